// DMD / DMD2 / VSD (2311.18828, 2405.14867, 2305.16213): one-step G(e) = f(e, 1, 0), loss 0.5 || G - sg(G - grad) ||^2, grad = (x0_fake - x0_real)(x_r, r) / mean|G - x0_real|, fake FM net on sg(G).
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { add, concat, mean, mul, random as randomLeaf, stopGradient, sub } from '../autodiff/ops.ts';
import {
  DM_TIME_MAX,
  DM_TIME_MIN,
  fakeFlowMatchingLoss,
  generatorMatching,
  matchingTimes,
  renoise,
  fakeGroup,
  fakeNetwork,
} from './distributionMatching.ts';
import { filled, flowMap, odeSolveBetween, stackPoints, sumSquares, uniformGrid } from './flow.ts';
import { teacherNetwork, teacherStage } from './fm.ts';
import { defineMethod, type FlowMapFn, type LossContext, type StepLoss, type VelocityFn } from './method.ts';
import { MissingTeacherError } from './errors.ts';

export const dmdSchema = z.object({
  variant: z
    .enum(['dmd2', 'dmd', 'vsd'])
    .default('dmd2')
    .describe(
      "dmd2: the normalised x0-space gradient alone (2405.14867); dmd: plus the paired-noise regression to the teacher's ODE output (2311.18828); vsd: the eps-space difference (1 - r)(v_real - v_fake), unweighted (2305.16213)",
    ),
  steps: z
    .number()
    .int()
    .min(1)
    .max(4)
    .default(1)
    .describe(
      'student steps: t_k = 1 - k / steps; rows at t_k come from backward simulation with fresh noise',
    ),
  fakeUpdates: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(5)
    .describe("updates of the fake FM net per generator step (DMD2's dfake_gen_update_ratio 5)"),
  timeShift: z
    .number()
    .min(0.25)
    .max(8)
    .default(1)
    .describe(
      `shift k of the re-noising time r in [${DM_TIME_MIN}, ${DM_TIME_MAX}]: k t / (1 + (k - 1) t); 1 is uniform`,
    ),
  regressionWeight: z
    .number()
    .min(0)
    .max(10)
    .default(0.25)
    .describe("dmd: weight of || G(e) - sg(ODE_T(e)) ||^2 (DMD's lambda_reg 0.25 on LPIPS; here squared L2)"),
  teacherSteps: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('dmd: teacher ODE steps from 1 to 0 for the regression target (in the graph, Heun)'),
});
export type DmdParams = z.infer<typeof dmdSchema>;

/** Fresh noise of the multi-step sampler's re-noising (its own Philox streams, apart from training). */
export const DMD_SAMPLER_STREAM = 0x5d3d00;

function teacherOf(ctx: LossContext<DmdParams>): VelocityFn {
  if (!ctx.teacher) throw new MissingTeacherError('dmd');
  return ctx.teacher;
}

/** The generator at time t: G(x, t) = f(x, t, 0) = x - t F(x, t, 0). */
export const generator = (net: FlowMapFn, x: Tensor, t: number): Tensor => {
  const n = x.shape[0];
  return flowMap(net, x, filled([n, 1], t), filled([n, 1], 0));
};

/** Rows of the batch per student step: equal parts, the last takes the remainder. */
export function stepRows(batch: number, steps: number): number[] {
  const k = Math.min(steps, batch);
  const each = Math.floor(batch / k);
  return Array.from({ length: k }, (_, i) => (i === k - 1 ? batch - each * (k - 1) : each));
}

export interface GeneratorBatch {
  /** G's outputs [B, d], with gradients to the generator on the last jump of each row. */
  x0: Tensor;
  /** The prior noise of the rows that start at t = 1 (part 0), and their outputs. */
  prior: Tensor;
  priorOut: Tensor;
}

/**
 * Generator samples for a batch: part k starts from fresh noise at t = 1, runs k student steps
 * WITHOUT gradient (x0 = G(x, t_j), then x = (1 - t_{j+1}) x0 + t_{j+1} n with FRESH n: DMD2's
 * backward simulation), and ends with one jump G(x, t_k) to t = 0 that carries the gradient.
 */
export function generatorBatch(ctx: LossContext<DmdParams>, net: FlowMapFn, steps: number): GeneratorBatch {
  const grid = uniformGrid(steps);
  const outs: Tensor[] = [];
  let prior: Tensor | null = null;
  let priorOut: Tensor | null = null;
  stepRows(ctx.batch, steps).forEach((n, k) => {
    let x = ctx.random([n, ctx.dim], 'normal');
    if (k === 0) prior = x;
    for (let j = 0; j < k; j++)
      x = renoise(
        stopGradient(generator(net, x, grid[j])),
        ctx.random([n, ctx.dim], 'normal'),
        filled([n, 1], grid[j + 1]),
      );
    const out = generator(net, x, grid[k]);
    if (k === 0) priorOut = out;
    outs.push(out);
  });
  return { x0: outs.length === 1 ? outs[0] : concat(outs, 0), prior: prior!, priorOut: priorOut! };
}

function generatorLoss(ctx: LossContext<DmdParams>): StepLoss {
  const p = ctx.params;
  const teacher = teacherOf(ctx);
  const g = generatorBatch(ctx, ctx.nets.net, p.steps);
  const r = matchingTimes(ctx.random, ctx.batch, p.timeShift);
  const noise = ctx.random([ctx.batch, ctx.dim], 'normal');
  const form = p.variant === 'vsd' ? 'vsd' : 'dmd2';
  const dm = mean(generatorMatching(form, teacher, ctx.nets.fake, g.x0, noise, r).perSample);
  if (p.variant !== 'dmd') return { total: dm, terms: { [p.variant]: dm, dm } };
  const n = g.prior.shape[0];
  const target = odeSolveBetween(
    teacher,
    g.prior,
    filled([n, 1], 1),
    filled([n, 1], 0),
    p.teacherSteps,
    'heun',
  );
  const regression = mul(mean(sumSquares(sub(g.priorOut, stopGradient(target.end)))), p.regressionWeight);
  const total = add(dm, regression);
  return { total, terms: { dmd: total, dm, regression } };
}

function fakeGroupLoss(ctx: LossContext<DmdParams>): StepLoss {
  const g = generatorBatch(ctx, ctx.nets.net, ctx.params.steps);
  const r = matchingTimes(ctx.random, ctx.batch);
  const fake = fakeFlowMatchingLoss(ctx.nets.fake, g.x0, ctx.random([ctx.batch, ctx.dim], 'normal'), r);
  return { total: fake, terms: { fake } };
}

export const dmd = defineMethod({
  id: 'dmd',
  title: 'Distribution Matching Distillation (DMD2 / DMD / VSD)',
  paper: '2405.14867',
  related: ['2311.18828', '2305.16213'],
  objective:
    '0.5 || G(e) - sg(G(e) - grad) ||^2, grad = (x0_fake - x0_real)(x_r, r) / mean|G(e) - x0_real|, x_r = (1 - r) G(e) + r n; fake FM net on sg(G(e))',
  schema: dmdSchema,
  usesData: false,
  needsTeacher: () => true,
  networks: {
    teacher: teacherNetwork,
    net: {
      description: 'the generator G(x, t) = f(x, t, 0), a copy of the teacher at the start',
      kind: 'flowMap',
      init: { copyOf: 'teacher' },
    },
    fake: fakeNetwork("online FM net of the generator's re-noised samples (the fake score)"),
  },
  sampleNetwork: 'net',
  stages: [
    teacherStage(),
    {
      name: 'student',
      description: "distribution matching: the generator's marginals pushed onto the teacher's, data-free",
      steps: 'train',
      reads: ['teacher', 'fake'],
      main: { name: 'net', trains: ['net'], buildLoss: generatorLoss },
      extra: [fakeGroup((p) => p.fakeUpdates, fakeGroupLoss)],
    },
  ],
  // k jumps on the uniform grid: x0 = G(x, t_i), then re-noise to t_{i+1} with fresh noise (the
  // multi-step sampler of DMD2); one jump is G(e, 1).
  sample: (ctx, noise, req) => {
    const n = noise.shape[0];
    const grid = uniformGrid(req.steps);
    const path = [noise];
    let x = noise;
    for (let i = 0; i < req.steps; i++) {
      const x0 = generator(ctx.net, x, grid[i]);
      x =
        i === req.steps - 1
          ? x0
          : renoise(x0, randomLeaf([n, 2], 'normal', DMD_SAMPLER_STREAM + i), filled([n, 1], grid[i + 1]));
      path.push(x);
    }
    return { samples: x, trajectory: stackPoints(path), nfe: req.steps };
  },
});
