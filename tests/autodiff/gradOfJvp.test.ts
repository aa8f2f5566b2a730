/**
 * Reverse over forward, the TVM pattern: the loss of d/ds f(x, t, s), f = x + (s - t) F(x, t, s),
 * differentiated w.r.t. the parameters (and the inputs), against finite differences.
 */
import { describe, expect, it } from 'vitest';
import {
  broadcastTo,
  constant,
  countNodes,
  evalCpu,
  grad,
  input,
  jvp,
  mean,
  Prim,
  sizeOf,
  square,
  stopGradient,
  sub,
  topoSort,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { flowMap, flowNet, flowNetSpec, type FlowNetOptions } from '../../src/nn/index.ts';
import { checkVjp, randomArray, rng, type FdCase } from './fd.ts';

const CTX = { seed: 1, step: 0 };

const B = 3;

function tvmCase(opts: FlowNetOptions, withTarget: 'input' | 'ema'): FdCase {
  const spec = flowNetSpec(opts, { width: 6, depth: 2, act: opts.act });
  return {
    name: `TVM ${opts.act} ${opts.timeFeatures} ${withTarget}`,
    inputs: [
      ...spec.map((p) => ({ shape: p.shape })),
      { shape: [B, 2] },
      { shape: [B, 1] },
      { shape: [B, 1] },
      { shape: [B, 2] },
    ],
    build: (...xs: Tensor[]) => {
      const params = Object.fromEntries(spec.map((p, i) => [p.name, xs[i]]));
      const [x, t, s, target] = xs.slice(spec.length);
      const f = (xx: Tensor, tt: Tensor, ss: Tensor) => flowMap(params, xx, tt, ss, opts);
      const { out, tangents } = jvp(f, [x, t, s], [null, null, broadcastTo(constant(1), [B, 1])]);
      // d/ds f(x, t, s) against a target: an input, or sg(F(f(x,t,s), s, s)) as the TVM terminal loss
      const goal = withTarget === 'input' ? target : stopGradient(flowNet(params, out[0], s, s, opts));
      return mean(square(sub(tangents[0]!, goal)));
    },
  };
}

describe('gradient of a JVP (reverse over forward)', () => {
  it('3-layer SiLU MLP: d loss(d/ds f) / d(params, x, t, s) matches finite differences', () => {
    checkVjp(tvmCase({ timeFeatures: 'raw', act: 'silu' }, 'input'), 11);
  });
  it('TVM terminal loss: the stop-gradient teacher acts as a fixed target', () => {
    // grad of |d/ds f - sg(F(f, s, s))|^2 equals grad of |d/ds f - target|^2 with target fed the teacher's value
    const opts: FlowNetOptions = { timeFeatures: 'raw', act: 'silu' };
    const sgCase = tvmCase(opts, 'ema');
    const inCase = tvmCase(opts, 'input');
    const xs = sgCase.inputs.map((spec, i) => input(`x${i}`, spec.shape));
    const r = rng(12);
    const feeds = Object.fromEntries(
      sgCase.inputs.map((spec, i) => [`x${i}`, randomArray(sizeOf(spec.shape), r)]),
    );
    const sgLoss = sgCase.build(...xs) as Tensor;
    const goal = topoSort([sgLoss]).find((n) => n.prim === Prim.StopGradient)!.outputs[0];
    const [goalValue] = evalCpu([goal], feeds, CTX);
    const ys = inCase.inputs.map((spec, i) => input(`y${i}`, spec.shape));
    const inLoss = inCase.build(...ys) as Tensor;
    const yFeeds: Record<string, Float64Array> = Object.fromEntries(
      Object.entries(feeds).map(([k, v]) => [k.replace('x', 'y'), v]),
    );
    yFeeds[`y${ys.length - 1}`] = goalValue;
    const n = ys.length - 1;
    const a = evalCpu(grad(sgLoss, xs.slice(0, n)), feeds, CTX);
    const b = evalCpu(grad(inLoss, ys.slice(0, n)), yFeeds, CTX);
    a.forEach((g, i) => g.forEach((v, k) => expect(v).toBeCloseTo(b[i][k], 12)));
  });
  it('Fourier time features with tanh and gelu', () => {
    checkVjp(tvmCase({ timeFeatures: 'fourier', fourierFreqs: 2, act: 'tanh' }, 'input'), 13);
    checkVjp(tvmCase({ timeFeatures: 'fourier', fourierFreqs: 3, act: 'gelu' }, 'input'), 14);
  });
  it('the gradient graph is built from DenseJvp and activation derivatives, with no unfused tangent matmul', () => {
    const c = tvmCase({ timeFeatures: 'raw', act: 'silu' }, 'input');
    const xs = c.inputs.map((spec, i) => input(`x${i}`, spec.shape));
    const loss = c.build(...xs) as Tensor;
    const grads = grad(loss, xs.slice(0, 6));
    const counts = countNodes([loss, ...grads]);
    expect(counts[Prim.DenseJvp]).toBe(3);
    const orders = topoSort(grads)
      .filter((n) => n.prim === Prim.Activation)
      .map((n) => (n.params as { order: number }).order);
    expect(orders).toContain(2);
    expect(Math.max(...orders)).toBeLessThanOrEqual(2);
  });
});
