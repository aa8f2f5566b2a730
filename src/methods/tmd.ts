// Transition Matching Distillation (Nie et al. 2601.09881): trunk m(x_t, t) + flow head sampling y given m, x_{t'} = x_t - (t - t') y; stage 1 MeanFlow on the head, stage 2 DMD2 on the unrolled sampler.
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { jvp } from '../autodiff/jvp.ts';
import { add, concat, mean, mul, random as randomLeaf, stopGradient, sub } from '../autodiff/ops.ts';
import {
  fakeFlowMatchingLoss,
  fakeGroup,
  fakeNetwork,
  generatorMatching,
  matchingTimes,
} from './distributionMatching.ts';
import {
  conditionalVelocity,
  filled,
  flowMapFrom,
  interpolate,
  stackPoints,
  sumSquares,
  uniformGrid,
} from './flow.ts';
import { requireData, teacherNetwork, teacherStage } from './fm.ts';
import { MissingTeacherError, MethodParamsError } from './errors.ts';
import {
  defineMethod,
  type ConditionalFlowMapFn,
  type FlowMapFn,
  type LossContext,
  type StepLoss,
} from './method.ts';
import { equalOnFraction, sortedPair, uniformTimes } from './times.ts';

export const tmdSchema = z.object({
  outerSteps: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(1)
    .describe('outer (trunk) steps of the unrolled sampler that stage 2 matches; sampling at NFE k uses k'),
  innerSteps: z
    .number()
    .int()
    .min(1)
    .max(8)
    .default(2)
    .describe('inner flow-map steps of the head per outer step, each from fresh noise'),
  pretrainSteps: z
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(2000)
    .describe('steps of stage 1 (MeanFlow on the head, trunk frozen)'),
  ratioEqual: z
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe('stage 1: share of rows with s = tau (plain FM rows of the head), 75 % in the paper'),
  headJvp: z
    .enum(['forward', 'finiteDifference'])
    .default('forward')
    .describe(
      "stage 1: the head's dF/dtau by the engine's forward mode, or a central finite difference (the paper's)",
    ),
  fdDelta: z.number().min(1e-5).max(0.1).default(5e-3).describe('finite-difference step (the paper: 5e-3)'),
  matching: z
    .enum(['dmd2', 'vsd'])
    .default('dmd2')
    .describe('stage 2 generator gradient: DMD2 (normalised x0 space) or VSD (eps space)'),
  timeShift: z
    .number()
    .min(0.25)
    .max(8)
    .default(1)
    .describe(
      'stage 2: shift k of the re-noising time, k t / (1 + (k - 1) t); the paper reports collapse without one',
    ),
  fakeUpdates: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe('stage 2: fake FM net updates per generator step'),
});
export type TmdParams = z.infer<typeof tmdSchema>;

/** Conditioning of the head: the trunk's output m with the point and its time, [m, x_t, t] (5 features). */
export const HEAD_COND = 5;
export const TMD_SAMPLER_STREAM = 0x7d3d00;

type Rand = (n: number) => Tensor;

/**
 * y from the head: K flow-map jumps tau: 1 -> 0 from fresh noise, conditioned on c. Returns every
 * inner point (y_1 = noise, ..., y_0 = the sample).
 */
export function headPath(head: ConditionalFlowMapFn, c: Tensor, noise: Tensor, k: number): Tensor[] {
  const n = noise.shape[0];
  const grid = uniformGrid(k);
  const path = [noise];
  let y = noise;
  for (let j = 0; j < k; j++) {
    const a = filled([n, 1], grid[j]);
    const b = filled([n, 1], grid[j + 1]);
    y = flowMapFrom(y, a, b, head(y, a, b, c));
    path.push(y);
  }
  return path;
}

/** The head's conditioning at (x, t): [m(x, t), x, t], m = F_trunk(x, t, t). */
export const headCondition = (trunk: FlowMapFn, x: Tensor, t: Tensor): Tensor =>
  concat([trunk(x, t, t), x, t], 1);

/**
 * The unrolled sampler: `outer` steps x <- x - (t_i - t_{i+1}) y, y from `inner` head steps from fresh
 * noise (drawn by `fresh`). Gradients flow through everything. Returns x_0 and every point of both
 * levels (after inner step j of outer step i: x_i - (t_i - t_{i+1}) y_j).
 */
export function unrolledSample(
  trunk: FlowMapFn,
  head: ConditionalFlowMapFn,
  e: Tensor,
  outer: number,
  inner: number,
  fresh: Rand,
): { x0: Tensor; path: Tensor[] } {
  const n = e.shape[0];
  const grid = uniformGrid(outer);
  let x = e;
  const path = [e];
  for (let i = 0; i < outer; i++) {
    const h = grid[i] - grid[i + 1];
    const c = headCondition(trunk, x, filled([n, 1], grid[i]));
    const ys = headPath(head, c, fresh(n), inner);
    const from = x;
    for (const y of ys.slice(1)) path.push(sub(from, mul(y, h)));
    x = path[path.length - 1];
  }
  return { x0: x, path };
}

function nets(ctx: LossContext<TmdParams>) {
  return { trunk: ctx.nets.trunk, head: ctx.condNets.head };
}

/**
 * Stage 1, transition matching: MeanFlow on the head for y = e - x given [sg(m(x_t, t)), x_t, t]:
 * y_tau = (1 - tau) y + tau eps, || F_h(y_tau, tau, s) - sg(v - (tau - s) dF_h/dtau) ||^2, v = eps - y,
 * dF_h/dtau along (v, 1, 0) on (y_tau, tau, s) (forward mode, or a central difference of step delta).
 */
export function transitionMatchingLoss(ctx: LossContext<TmdParams>): StepLoss {
  const p = ctx.params;
  const { trunk, head } = nets(ctx);
  const x = requireData(ctx);
  const e = ctx.random(x.shape, 'normal');
  const t = uniformTimes(ctx.random, ctx.batch);
  const xt = interpolate(x, e, t);
  const y = conditionalVelocity(x, e);
  const c = stopGradient(headCondition(trunk, xt, t));
  const eps = ctx.random(x.shape, 'normal');
  const pair = sortedPair(ctx.random, ctx.batch, 'uniform', 0, 1);
  const tau = pair.t;
  const sAll = equalOnFraction(tau, pair.r, p.ratioEqual);
  const s = sAll === tau ? add(tau, 0) : sAll; // a distinct tensor: its JVP seed is 0, tau's is 1
  const yTau = interpolate(y, eps, tau);
  const v = conditionalVelocity(y, eps);
  const F_ = (yy: Tensor, a: Tensor, b: Tensor) => head(yy, a, b, c);
  let F: Tensor;
  let dF: Tensor;
  if (p.headJvp === 'forward') {
    const r = jvp(F_, [yTau, tau, s], [v, filled(tau.shape, 1), null]);
    F = r.out[0];
    dF = r.tangents[0] ?? filled(F.shape, 0);
  } else {
    const d = p.fdDelta;
    F = F_(yTau, tau, s);
    const plus = F_(add(yTau, mul(v, d)), add(tau, d), s);
    const minus = F_(sub(yTau, mul(v, d)), sub(tau, d), s);
    dF = mul(sub(plus, minus), 1 / (2 * d));
  }
  const target = stopGradient(sub(v, mul(sub(tau, s), dF)));
  const tm = mean(sumSquares(sub(F, target)));
  return { total: tm, terms: { transition: tm } };
}

function generatorSamples(ctx: LossContext<TmdParams>): Tensor {
  const p = ctx.params;
  const { trunk, head } = nets(ctx);
  const e = ctx.random([ctx.batch, ctx.dim], 'normal');
  const fresh = (n: number) => ctx.random([n, ctx.dim], 'normal');
  return unrolledSample(trunk, head, e, p.outerSteps, p.innerSteps, fresh).x0;
}

/** Stage 2: DMD2 (or VSD) on the unrolled sampler's samples, through the shared module. */
function distillLoss(ctx: LossContext<TmdParams>): StepLoss {
  if (!ctx.teacher) throw new MissingTeacherError('tmd');
  const p = ctx.params;
  const x0 = generatorSamples(ctx);
  const r = matchingTimes(ctx.random, ctx.batch, p.timeShift);
  const noise = ctx.random([ctx.batch, ctx.dim], 'normal');
  const dm = mean(generatorMatching(p.matching, ctx.teacher, ctx.nets.fake, x0, noise, r).perSample);
  return { total: dm, terms: { dm } };
}

function fakeGroupLoss(ctx: LossContext<TmdParams>): StepLoss {
  const x0 = generatorSamples(ctx);
  const r = matchingTimes(ctx.random, ctx.batch);
  const fake = fakeFlowMatchingLoss(ctx.nets.fake, x0, ctx.random([ctx.batch, ctx.dim], 'normal'), r);
  return { total: fake, terms: { fake } };
}

export const tmd = defineMethod({
  id: 'tmd',
  title: 'Transition Matching Distillation',
  paper: '2601.09881',
  objective:
    'trunk m(x_t, t) + flow head y ~ p(y | m), x_{t_{i+1}} = x_{t_i} - (t_i - t_{i+1}) y; stage 1 MeanFlow on the head, stage 2 DMD2 on the unrolled sampler',
  schema: tmdSchema,
  usesData: false,
  needsTeacher: () => true,
  networks: {
    teacher: teacherNetwork,
    trunk: {
      description: 'the trunk m(x, t) = F(x, t, t): the teacher MLP body, copied from it',
      kind: 'flowMap',
      init: { copyOf: 'teacher' },
    },
    head: {
      description: 'the 2-layer flow head F_h(y, tau, s; m, x, t) that samples the transition y',
      kind: 'conditionalFlowMap',
      condDim: HEAD_COND,
      depth: 2,
      init: 'fresh',
    },
    fake: fakeNetwork("online FM net of the unrolled sampler's re-noised samples (stage 2)"),
  },
  sampleNetwork: 'trunk',
  stages: [
    teacherStage(),
    {
      name: 'pretrain',
      description: 'transition matching: MeanFlow on the head for y = e - x given the frozen trunk',
      steps: { param: 'pretrainSteps' },
      usesData: true,
      reads: ['trunk'],
      main: { name: 'head', trains: ['head'], buildLoss: transitionMatchingLoss },
    },
    {
      name: 'student',
      description:
        "distribution matching of the unrolled sampler (outer x inner steps) to the teacher's marginals",
      steps: 'train',
      reads: ['teacher', 'fake'],
      main: { name: 'student', trains: ['trunk', 'head'], buildLoss: distillLoss },
      extra: [fakeGroup((p) => p.fakeUpdates, fakeGroupLoss)],
    },
  ],
  // Current weights of trunk and head (the trainer's sampling EMA covers one network); nfe counts the
  // trunk's evaluations (outer steps), as the paper does; the head adds `innerSteps` light evaluations each.
  sample: (ctx, noise, req) => {
    const trunk = ctx.nets?.trunk;
    const head = ctx.condNets?.head;
    if (!trunk || !head)
      throw new MethodParamsError('tmd', [
        'the sampler needs the trunk and the head bound (ctx.nets, ctx.condNets)',
      ]);
    let stream = TMD_SAMPLER_STREAM;
    const fresh = (n: number) => randomLeaf([n, 2], 'normal', stream++);
    const r = unrolledSample(trunk, head, noise, req.steps, ctx.params.innerSteps, fresh);
    return { samples: r.x0, trajectory: stackPoints(r.path), nfe: req.steps };
  },
});
