// Flow-map distillation (seed 2.1; Boffi, Albergo, Vanden-Eijnden 2406.07507, 2505.18825): L = E || F(z_t, t, s) - sg(teacher ODE average velocity t -> s) ||^2, or Lagrangian: || d/ds f(z_t, t, s) - sg(u(f, s)) ||^2.
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { jvp } from '../autodiff/jvp.ts';
import { add, mean, mul, stopGradient, sub } from '../autodiff/ops.ts';
import {
  conditionalVelocity,
  diagonal,
  filled,
  flowMapFrom,
  interpolate,
  odeSolveBetween,
  sumSquares,
} from './flow.ts';
import { requireData, teacherNetwork, teacherStage } from './fm.ts';
import { flowMapSample } from './meanflow.ts';
import { defineMethod, type FlowMapFn, type LossContext, type VelocityFn } from './method.ts';
import { MissingTeacherError } from './errors.ts';
import { equalOnFraction, sampleTimes, sortedPair } from './times.ts';

export const flowmapSchema = z.object({
  variant: z
    .enum(['trajectory', 'lagrangian', 'lagrangianSelf'])
    .default('trajectory')
    .describe(
      "trajectory: regress the teacher's ODE solution from t to s (N teacher steps in the graph); lagrangian: d/ds f = u_T(f, s) (LMD); lagrangianSelf: d/ds f = sg(F(f, s, s)) plus diagonal FM on data (LSD, no teacher)",
    ),
  teacherSteps: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe('teacher ODE steps from t to s inside the training step (trajectory)'),
  teacherSolver: z
    .enum(['euler', 'midpoint', 'heun'])
    .default('heun')
    .describe('solver of the in-graph teacher ODE (trajectory)'),
  timeDist: z
    .enum(['uniform', 'logitNormal'])
    .default('uniform')
    .describe('distribution of the two times, sorted so t >= s'),
  timeMean: z.number().min(-3).max(3).default(0).describe('logit-normal mean of the times'),
  timeStd: z.number().min(0.1).max(3).default(1).describe('logit-normal std of the times'),
  diagonalShare: z
    .number()
    .min(0)
    .max(1)
    .default(0.25)
    .describe('trajectory: share of the batch with s = t (the target is then the teacher velocity)'),
  diagonalWeight: z
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe('lagrangian variants: weight of the diagonal term at an independent time'),
});
export type FlowMapParams = z.infer<typeof flowmapSchema>;

/**
 * The Lagrangian residual's pieces: f(z, t, s) and d/ds f = F + (s - t) dF/ds (JVP with tangent
 * (0, 0, 1) on (x, t, s)); gradients flow through the JVP.
 */
export function terminalDerivative(
  net: FlowMapFn,
  x: Tensor,
  t: Tensor,
  s: Tensor,
): { F: Tensor; f: Tensor; dfds: Tensor } {
  const { out, tangents } = jvp((xx, tt, ss) => net(xx, tt, ss), [x, t, s], [null, null, filled(s.shape, 1)]);
  const F = out[0];
  const dFds = tangents[0] ?? filled(F.shape, 0);
  return { F, f: flowMapFrom(x, t, s, F), dfds: add(F, mul(sub(s, t), dFds)) };
}

function needTeacher(ctx: LossContext<FlowMapParams>): VelocityFn {
  if (!ctx.teacher) throw new MissingTeacherError('flowmap');
  return ctx.teacher;
}

function trajectoryLoss(ctx: LossContext<FlowMapParams>, x: Tensor, e: Tensor): Record<string, Tensor> {
  const p = ctx.params;
  const pair = sortedPair(ctx.random, ctx.batch, p.timeDist, p.timeMean, p.timeStd);
  const t = pair.t;
  const s = equalOnFraction(t, pair.r, p.diagonalShare);
  const zt = interpolate(x, e, t);
  const teacher = odeSolveBetween(needTeacher(ctx), zt, t, s, p.teacherSteps, p.teacherSolver);
  const distill = mean(sumSquares(sub(ctx.nets.net(zt, t, s), stopGradient(teacher.average))));
  return { distill };
}

function lagrangianLoss(ctx: LossContext<FlowMapParams>, x: Tensor, e: Tensor): Record<string, Tensor> {
  const p = ctx.params;
  const net = ctx.nets.net;
  const pair = sortedPair(ctx.random, ctx.batch, p.timeDist, p.timeMean, p.timeStd);
  const { t, r: s } = pair;
  const { f, dfds } = terminalDerivative(net, interpolate(x, e, t), t, s);
  const self = p.variant === 'lagrangianSelf';
  const velocity = self ? diagonal(net) : needTeacher(ctx);
  const lagrangian = mean(sumSquares(sub(dfds, stopGradient(velocity(f, s)))));
  // Diagonal term at an independent time: FM on data (self) or the teacher's velocity.
  const td = sampleTimes(ctx.random, ctx.batch, p.timeDist, p.timeMean, p.timeStd);
  const zd = interpolate(x, e, td);
  const diagTarget = self ? conditionalVelocity(x, e) : stopGradient(needTeacher(ctx)(zd, td));
  const diag = mean(sumSquares(sub(net(zd, td, td), diagTarget)));
  return { lagrangian, diagonal: mul(diag, p.diagonalWeight) };
}

export const flowmap = defineMethod({
  id: 'flowmap',
  title: 'Flow-map distillation',
  paper: '2505.18825',
  objective:
    "|| F(z_t, t, s) - sg(teacher's average velocity from t to s) ||^2 (or the Lagrangian d/ds f = u(f, s))",
  schema: flowmapSchema,
  supportsLabels: true,
  usesData: true,
  needsTeacher: (p) => p.variant !== 'lagrangianSelf',
  networks: {
    teacher: teacherNetwork,
    net: { description: 'the student flow map F(x, t, s)', kind: 'flowMap', init: 'fresh' },
  },
  sampleNetwork: 'net',
  stages: [
    teacherStage(),
    {
      name: 'student',
      description: "distillation of the teacher's flow map on data-noise interpolants",
      steps: 'train',
      reads: ['teacher'],
      main: {
        name: 'net',
        trains: ['net'],
        buildLoss: (ctx) => {
          const x = requireData(ctx);
          const e = ctx.random(x.shape, 'normal');
          const terms =
            ctx.params.variant === 'trajectory' ? trajectoryLoss(ctx, x, e) : lagrangianLoss(ctx, x, e);
          const total = Object.values(terms).reduce((a, b) => add(a, b));
          return { total, terms: { flowmap: total, ...terms } };
        },
      },
    },
  ],
  sample: (ctx, noise, req) => flowMapSample(ctx.net, noise, req.steps),
});
