// Flow Matching (Lipman et al. 2210.02747; Liu et al. 2209.03003): L = E || u(z_t, t) - (e - x) ||^2, z_t = (1 - t) x + t e.
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { mean, sub } from '../autodiff/ops.ts';
import {
  conditionalVelocity,
  diagonal,
  evalsPerStep,
  interpolate,
  odePath,
  stackPoints,
  sumSquares,
} from './flow.ts';
import {
  defineMethod,
  type FlowMapFn,
  type LossContext,
  type SampleResult,
  type Stage,
  type VelocityFn,
} from './method.ts';
import { MissingDataError } from './errors.ts';
import { sampleTimes, type TimeDistribution } from './times.ts';

export const fmSchema = z.object({
  timeDist: z
    .enum(['uniform', 'logitNormal'])
    .default('uniform')
    .describe('distribution of t: uniform (Lipman et al.; the official 2-D notebook) or logit-normal (SD3)'),
  timeMean: z.number().min(-3).max(3).default(0).describe('logit-normal mean of t'),
  timeStd: z.number().min(0.1).max(3).default(1).describe('logit-normal std of t'),
});
export type FmParams = z.infer<typeof fmSchema>;

/**
 * The FM loss of the velocity field u(x, t) = F(x, t, t) of `net`: batch mean of the squared error
 * summed over dimensions. Data x [B, d] is the context's batch.
 */
export function flowMatchingLoss(
  ctx: LossContext<unknown>,
  net: FlowMapFn,
  dist: TimeDistribution,
  mu: number,
  sigma: number,
): Tensor {
  const x = requireData(ctx);
  const e = ctx.random(x.shape, 'normal');
  const t = sampleTimes(ctx.random, ctx.batch, dist, mu, sigma);
  const residual = sub(net(interpolate(x, e, t), t, t), conditionalVelocity(x, e));
  return mean(sumSquares(residual));
}

export function requireData(ctx: LossContext<unknown>): Tensor {
  if (!ctx.data) throw new MissingDataError();
  return ctx.data;
}

/** Samples of dx/dt = u(x, t) integrated from t = 1 to 0 with a solver: the FM sampler and the teacher's. */
export function odeSample(
  u: VelocityFn,
  noise: Tensor,
  steps: number,
  solver: 'euler' | 'midpoint' | 'heun',
): SampleResult {
  const path = odePath(u, noise, 1, 0, steps, solver);
  return { samples: path[path.length - 1], trajectory: stackPoints(path), nfe: steps * evalsPerStep(solver) };
}

/**
 * The teacher stage of a distillation method: Flow Matching on the network 'teacher' with uniform t
 * (the official toy recipe). Skipped when the teacher is the analytic Gaussian-mixture velocity.
 */
export function teacherStage<P>(): Stage<P> {
  return {
    name: 'teacher',
    description: "Flow Matching of the teacher's velocity u_T(x, t) = F_T(x, t, t)",
    steps: 'teacher',
    usesData: true,
    skipWithAnalyticTeacher: true,
    reads: [],
    main: {
      name: 'teacher',
      trains: ['teacher'],
      labelDropout: true,
      buildLoss: (ctx) => {
        const fm = flowMatchingLoss(ctx as LossContext<unknown>, ctx.nets.teacher, 'uniform', 0, 1);
        return { total: fm, terms: { fm } };
      },
    },
  };
}

/** The network declaration of a trained FM teacher (shared by the distillation methods). */
export const teacherNetwork = {
  description: 'the Flow Matching teacher u_T(x, t) = F_T(x, t, t); frozen after its stage',
  kind: 'flowMap',
  init: 'fresh',
} as const;

export const fm = defineMethod({
  id: 'fm',
  title: 'Flow Matching',
  paper: '2210.02747',
  objective: 'E || u(z_t, t) - (e - x) ||^2 with z_t = (1 - t) x + t e',
  schema: fmSchema,
  supportsLabels: true,
  usesData: true,
  needsTeacher: () => false,
  networks: {
    net: { description: 'the velocity field u(x, t) = F(x, t, t)', kind: 'flowMap', init: 'fresh' },
  },
  sampleNetwork: 'net',
  stages: [
    {
      name: 'student',
      description: 'Flow Matching of the velocity field',
      steps: 'train',
      reads: [],
      main: {
        name: 'net',
        trains: ['net'],
        labelDropout: true,
        buildLoss: (ctx) => {
          const p = ctx.params;
          const fm = flowMatchingLoss(ctx, ctx.nets.net, p.timeDist, p.timeMean, p.timeStd);
          return { total: fm, terms: { fm } };
        },
      },
    },
  ],
  sample: (ctx, noise, req) => odeSample(diagonal(ctx.net), noise, req.steps, req.solver ?? 'euler'),
});
