/**
 * Our three benchmark steps as graphs built from src/autodiff (ops + jvp + grad + adam), the same
 * objectives as problem.ts. The graph is executor-neutral: evalCpu runs it in float64 (the check
 * below and the tests), the GPU compiler turns it into one command buffer (ours.ts).
 */
import {
  adam,
  add,
  broadcastTo,
  concat,
  constant,
  dense,
  grad,
  input,
  jvp,
  mul,
  stopGradient,
  sub,
  square,
  sum,
  div,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { ADAM, type Batch, type LinearWeights, type StepKind } from './problem.ts';

export interface StepGraph {
  loss: Tensor;
  /** Input name -> its new value after the step (parameters, Adam moments, step counter). */
  updates: { input: string; value: Tensor }[];
  /** Every input name with its initial value (batch columns, weights, zero moments, step = 1). */
  feeds: Record<string, Float64Array>;
}

const paramName = (l: number, what: 'weight' | 'bias') => `net.${2 * l}.${what}`;

/** F(z, t, h) as the dense stack; weights [out, in] as torch.nn.Linear. */
function network(ps: Tensor[], z: Tensor, t: Tensor, h: Tensor): Tensor {
  let act = concat([z, t, h], 1);
  const layers = ps.length / 2;
  for (let l = 0; l < layers; l++)
    act = dense(act, ps[2 * l], ps[2 * l + 1], l + 1 < layers ? 'silu' : 'identity');
  return act;
}

/** Mean over the batch of the squared norm over the output dims. */
const squaredNormMean = (d: Tensor) => div(sum(square(d)), d.shape[0]);

function lossGraph(kind: StepKind, ps: Tensor[], x: Tensor, e: Tensor, t: Tensor, s: Tensor): Tensor {
  const B = x.shape[0];
  const v = sub(e, x);
  const z = add(mul(sub(1, t), x), mul(t, e));
  const zeros = broadcastTo(constant(0), [B, 1]);
  if (kind === 'fm') return squaredNormMean(sub(network(ps, z, t, zeros), v));
  const h = sub(t, s);
  const F = (zz: Tensor, tt: Tensor, hh: Tensor) => network(ps, zz, tt, hh);
  const ones = broadcastTo(constant(1), [B, 1]);
  if (kind === 'meanflow') {
    // tangent (v, 0, 1) on (z, r, t) is (v, 1, 1) on the network inputs (z, t, h = t - r)
    const { out, tangents } = jvp(F, [z, t, h], [v, ones, ones]);
    const target = stopGradient(sub(v, mul(h, tangents[0]!)));
    return squaredNormMean(sub(out[0], target));
  }
  // tvm: tangent (0, 0, 1) on (x, t, s) is (0, 0, -1) on (z, t, h = t - s); the gradient flows through it
  const { out, tangents } = jvp(F, [z, t, h], [null, null, mul(ones, -1)]);
  const Fv = out[0];
  const sMinusT = sub(s, t);
  const dfds = add(Fv, mul(sMinusT, tangents[0]!));
  const f = add(z, mul(sMinusT, Fv));
  const teacher = stopGradient(network(ps, stopGradient(f), s, zeros));
  return squaredNormMean(sub(dfds, teacher));
}

/** The whole training step: loss, gradient w.r.t. every parameter, Adam. */
export function buildStepGraph(kind: StepKind, batch: Batch, weights: LinearWeights[]): StepGraph {
  const B = batch.size;
  const feeds: Record<string, Float64Array> = {
    x: Float64Array.from(batch.x),
    e: Float64Array.from(batch.e),
    t: Float64Array.from(batch.t),
    s: Float64Array.from(batch.s),
    'adam.step': Float64Array.of(1),
  };
  const x = input('x', [B, 2]);
  const e = input('e', [B, 2]);
  const t = input('t', [B, 1]);
  const s = input('s', [B, 1]);
  const ps: Tensor[] = [];
  const ms: Tensor[] = [];
  const vs: Tensor[] = [];
  const names: string[] = [];
  weights.forEach((w, l) => {
    for (const what of ['weight', 'bias'] as const) {
      const name = paramName(l, what);
      const shape = what === 'weight' ? [w.fanOut, w.fanIn] : [w.fanOut];
      const data = what === 'weight' ? w.weight : w.bias;
      ps.push(input(name, shape));
      ms.push(input(`adam.m.${name}`, shape));
      vs.push(input(`adam.v.${name}`, shape));
      names.push(name);
      feeds[name] = Float64Array.from(data);
      feeds[`adam.m.${name}`] = new Float64Array(data.length);
      feeds[`adam.v.${name}`] = new Float64Array(data.length);
    }
  });
  const step = input('adam.step', [1]);
  const loss = lossGraph(kind, ps, x, e, t, s);
  const gs = grad(loss, ps);
  const next = adam(ps, gs, ms, vs, step, { ...ADAM, weightDecay: 0, clipNorm: 0 });
  const updates = [
    ...names.map((n, i) => ({ input: n, value: next.p[i] })),
    ...names.map((n, i) => ({ input: `adam.m.${n}`, value: next.m[i] })),
    ...names.map((n, i) => ({ input: `adam.v.${n}`, value: next.v[i] })),
    { input: 'adam.step', value: add(step, 1) },
  ];
  return { loss, updates, feeds };
}

/** Parameter names in the order of `weights` (weight, bias per layer). */
export const parameterNames = (layers: number): string[] =>
  Array.from({ length: layers }, (_, l) => [paramName(l, 'weight'), paramName(l, 'bias')]).flat();
