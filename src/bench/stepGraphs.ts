/**
 * Training steps as graphs, for the compiler's tests and the "training step" benchmark, on a flowNet
 * MLP with AdamW: Flow Matching built from ops, and MeanFlow (Geng et al. 2505.13447) with the loss of
 * src/methods/meanflow.ts (official defaults: logit-normal times, 75 % r = t, adaptive weight p = 1).
 * `meanFlowStepFromOps` is the same objective written out from ops (uniform times, no r = t rows):
 * u = F(z, t, r); du = d/dt u along (z, t, r) -> (v, 1, 0); loss = mean_b l_b / sg(l_b + 0.01) with
 * l = sum_d (u - sg(v - (t - r) du))^2.
 */
import {
  adam,
  add,
  broadcastTo,
  constant,
  div,
  grad,
  input,
  jvp,
  maximum,
  mean,
  minimum,
  mul,
  normal,
  sampleData,
  square,
  stopGradient,
  sub,
  sum,
  uniform,
  type Activation,
  type AdamParams,
  type Tensor,
} from '../autodiff/index.ts';
import type { StepSpec } from '../autodiff/compile.ts';
import { meanflow, meanflowSchema } from '../methods/meanflow.ts';
import type { LossContext } from '../methods/method.ts';
import { flowNet, flowNetSpec, initParams, paramInputs, paramList, type ParamSpec } from '../nn/index.ts';

export interface StepConfig {
  batch: number;
  width: number;
  depth: number;
  act: Activation;
  /** A toy dataset sampled on the device, or 'input' for a fed batch named `batch` ([B, 2]). */
  data: string;
  adam?: AdamParams;
  initSeed?: number;
}

export const DEFAULT_ADAM: AdamParams = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  eps: 1e-8,
  weightDecay: 0,
  clipNorm: 0,
};

export interface StepGraph {
  spec: StepSpec;
  params: ParamSpec[];
  loss: Tensor;
  grads: Tensor[];
  /** Float64 feeds of every input (for the CPU executor). */
  feeds: Record<string, Float64Array>;
}

const ones = (shape: number[]) => broadcastTo(constant(1), shape);

/** Shared part: time, noise and data leaves, the network, and the AdamW wiring around a loss. */
function withAdam(
  cfg: StepConfig,
  build: (f: (x: Tensor, t: Tensor, s: Tensor) => Tensor, x: Tensor) => Tensor,
): StepGraph {
  const params = flowNetSpec({ timeFeatures: 'raw' }, { width: cfg.width, depth: cfg.depth, act: cfg.act });
  const p = paramInputs(params);
  const x = cfg.data === 'input' ? input('batch', [cfg.batch, 2]) : sampleData(cfg.data, cfg.batch, 0);
  const loss = build((z, t, s) => flowNet(p, z, t, s, { timeFeatures: 'raw', act: cfg.act }), x);
  const ps = paramList(params, p);
  const grads = grad(loss, ps);
  const ms = params.map((q) => input(`adam.m.${q.name}`, q.shape));
  const vs = params.map((q) => input(`adam.v.${q.name}`, q.shape));
  const stepIn = input('adam.step', [1]);
  const stepNext = add(stepIn, 1);
  const upd = adam(ps, grads, ms, vs, stepNext, cfg.adam ?? DEFAULT_ADAM);
  const feeds: Record<string, Float64Array> = {
    ...initParams(params, cfg.initSeed ?? 1),
    'adam.step': new Float64Array(1),
  };
  for (const q of params) {
    const n = q.shape.reduce((a, d) => a * d, 1);
    feeds[`adam.m.${q.name}`] = new Float64Array(n);
    feeds[`adam.v.${q.name}`] = new Float64Array(n);
  }
  const updates = [
    ...params.map((q, i) => ({ input: q.name, value: upd.p[i] })),
    ...params.map((q, i) => ({ input: `adam.m.${q.name}`, value: upd.m[i] })),
    ...params.map((q, i) => ({ input: `adam.v.${q.name}`, value: upd.v[i] })),
    { input: 'adam.step', value: stepNext },
  ];
  return { spec: { outputs: { loss }, updates, feeds }, params, loss, grads, feeds };
}

/** Times t >= r from two uniforms, the interpolant z_t = (1 - t) x + t e and v = e - x. */
function path(x: Tensor) {
  const b = x.shape[0];
  const e = normal([b, 2], 1);
  const u0 = uniform([b, 1], 2);
  const u1 = uniform([b, 1], 3);
  const t = maximum(u0, u1);
  const r = minimum(u0, u1);
  const z = add(mul(sub(1, t), x), mul(t, e));
  return { e, t, r, z, v: sub(e, x) };
}

/** MeanFlow with the methods layer's loss (its default hyperparameters). */
export function meanFlowStep(cfg: StepConfig): StepGraph {
  return withAdam(cfg, (f, x) => {
    let stream = 1;
    const ctx: LossContext<ReturnType<typeof meanflowSchema.parse>> = {
      params: meanflowSchema.parse({}),
      batch: cfg.batch,
      dim: 2,
      data: x,
      random: (shape, dist) => (dist === 'normal' ? normal(shape, stream++) : uniform(shape, stream++)),
      nets: { net: f },
      condNets: {},
      teacher: null,
    };
    return meanflow.stages[0].main.buildLoss(ctx).total;
  });
}

export function meanFlowStepFromOps(cfg: StepConfig): StepGraph {
  return withAdam(cfg, (f, x) => {
    const { t, r, z, v } = path(x);
    const b = x.shape[0];
    const { out, tangents } = jvp(f, [z, t, r], [v, ones([b, 1]), null]);
    const u = out[0];
    const target = stopGradient(sub(v, mul(sub(t, r), tangents[0]!)));
    const l = sum(square(sub(u, target)), [1]);
    const w = div(1, stopGradient(add(l, 0.01)));
    return mean(mul(l, w));
  });
}

export function flowMatchingStep(cfg: StepConfig): StepGraph {
  return withAdam(cfg, (f, x) => {
    const { t, z, v } = path(x);
    return mean(sum(square(sub(f(z, t, t), v)), [1]));
  });
}
