/** Zero tangents are symbolic: they never become work (counted as graph nodes). */
import { describe, expect, it } from 'vitest';
import {
  add,
  broadcastTo,
  constant,
  countNodes,
  dense,
  input,
  jvp,
  mul,
  Prim,
  topoSort,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { flowNet, flowNetSpec, paramInputs } from '../../src/nn/index.ts';

const B = 4;
const net = () => {
  const spec = flowNetSpec({ timeFeatures: 'raw' }, { width: 8, depth: 2, act: 'silu' });
  const params = paramInputs(spec);
  const [x, t, s] = [input('x', [B, 2]), input('t', [B, 1]), input('s', [B, 1])];
  const f = (xx: Tensor, tt: Tensor, ss: Tensor) =>
    flowNet(params, xx, tt, ss, { timeFeatures: 'raw', act: 'silu' });
  return { f, x, t, s };
};
const ones = (shape: number[]) => broadcastTo(constant(1), shape);
const isBroadcastConstant = (t: Tensor) =>
  t.node.prim === Prim.BroadcastTo && t.node.inputs[0].node.prim === Prim.Constant;

describe('symbolic zero tangents', () => {
  it('all-zero tangents return the original outputs and emit no node', () => {
    const { f, x, t, s } = net();
    const before = f(x, t, s);
    const res = jvp(f, [x, t, s], [null, null, null]);
    expect(res.tangents).toEqual([null]);
    expect(countNodes(res.out)).toEqual(countNodes([before]));
    expect(res.out[0].node.prim).toBe(Prim.Dense);
  });

  it('a tangent on one input of mul and add emits only the terms it needs', () => {
    const [a, b, v] = [input('a', [3]), input('b', [3]), input('v', [3])];
    const m = jvp((p, q) => mul(p, q), [a, b], [v, null]);
    expect(countNodes([m.tangents[0]!])).toEqual({ [Prim.Input]: 2, [Prim.Binary]: 1 });
    const s = jvp((p, q) => add(p, q), [a, b], [null, v]);
    expect(s.tangents[0]).toBe(v);
    const z = jvp((p) => add(p, 0), [a], [v]);
    expect(z.tangents[0]).toBe(v);
  });

  it('TVM tangent (0, 0, 1) on (x, t, s): fused DenseJvp per layer, zeros only as a broadcast constant', () => {
    const { f, x, t, s } = net();
    const res = jvp(f, [x, t, s], [null, null, ones([B, 1])]);
    const counts = countNodes([res.out[0], res.tangents[0]!]);
    expect(counts[Prim.DenseJvp]).toBe(3);
    expect(counts[Prim.Dense]).toBeUndefined();
    expect(counts[Prim.Matmul]).toBeUndefined();
    // the first layer's tangent input is concat(zeros for x, zeros for t, d(t - s) = -1)
    const first = topoSort([res.tangents[0]!]).find((n) => n.prim === Prim.DenseJvp)!;
    const concatNode = first.inputs[1].node;
    expect(concatNode.prim).toBe(Prim.Concat);
    expect(isBroadcastConstant(concatNode.inputs[0])).toBe(true);
    expect(isBroadcastConstant(concatNode.inputs[1])).toBe(true);
    // d(t - s) = -1 is folded into a broadcast constant too: the whole tangent input is constants
    expect(isBroadcastConstant(concatNode.inputs[2])).toBe(true);
    expect(counts[Prim.Unary]).toBeUndefined();
  });

  it('a tangent on the weights only keeps the original dense node as the primal', () => {
    const [x, w, b] = [input('x', [3, 2]), input('w', [4, 2]), input('b', [4])];
    const y = dense(x, w, b, 'tanh');
    const res = jvp(() => y, [w], [input('dw', [4, 2])]);
    expect(res.out[0]).toBe(y);
    expect(countNodes([res.tangents[0]!])[Prim.DenseJvp]).toBeUndefined();
  });

  it('MeanFlow tangent (v, 1, 1) keeps the network to one fused node per layer', () => {
    const { f, x, t, s } = net();
    const res = jvp(f, [x, t, s], [input('v', [B, 2]), ones([B, 1]), ones([B, 1])]);
    const counts = countNodes([res.out[0], res.tangents[0]!]);
    expect(counts[Prim.DenseJvp]).toBe(3);
    expect(counts[Prim.Dense]).toBeUndefined();
  });
});
