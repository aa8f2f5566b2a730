// FreeFlow (Tong, Ma, Xie, Jaakkola; 2511.19428): data-free, z ~ N(0, I) at t = 1 only: || F - sg(u_T(f(z, d), 1 - d) - d dF/dd) ||^2 + corrector (v_fake - u_T)(x_r, r) . dx_r/dtheta.
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { jvp } from '../autodiff/jvp.ts';
import { add, div, exp, log, mean, mul, stopGradient, sub } from '../autodiff/ops.ts';
import { fakeFlowMatchingLoss, fakeGroup, fakeNetwork, generatorMatching } from './distributionMatching.ts';
import { filled, flowMapFrom, stackPoints, sumSquares } from './flow.ts';
import { teacherNetwork, teacherStage } from './fm.ts';
import { defineMethod, type FlowMapFn, type LossContext, type StepLoss, type VelocityFn } from './method.ts';
import { MissingTeacherError } from './errors.ts';
import { logitNormalTimes, sampleTimes, uniformTimes } from './times.ts';

export const freeflowSchema = z.object({
  predictorForm: z
    .enum(['stopGradient', 'residual'])
    .default('stopGradient')
    .describe(
      "stopGradient: || F - sg(u_T(f, 1 - d) - d dF/dd) || (the paper's form); residual: || F + d dF/dd - u_T(f, 1 - d) || with gradients through the JVP and the teacher's input (the seed's form)",
    ),
  deltaDist: z
    .enum(['uniform', 'logitNormal'])
    .default('uniform')
    .describe('distribution of the jump length d = 1 - s'),
  deltaMean: z.number().min(-3).max(3).default(0).describe('logit-normal mean of d'),
  deltaStd: z.number().min(0.1).max(3).default(1).describe('logit-normal std of d'),
  corrector: z
    .boolean()
    .default(true)
    .describe('distribution-matching corrector with an online fake FM net (off: predictor only)'),
  predictorShare: z
    .number()
    .min(0.05)
    .max(0.95)
    .default(0.75)
    .describe('share of the batch used by the predictor; the rest by the corrector'),
  correctorWeight: z
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe('weight of the (per-sample normalised) corrector term'),
  correctorMean: z
    .number()
    .min(-3)
    .max(3)
    .default(0.8)
    .describe('logit-normal mean of the corrector noise level r (biased to high noise)'),
  correctorStd: z
    .number()
    .min(0.1)
    .max(3)
    .default(1)
    .describe('logit-normal std of the corrector noise level r'),
  weightPower: z
    .number()
    .min(0)
    .max(2)
    .default(1)
    .describe('per-sample weight 1 / (||D||^2 / dim + eps)^k: the power k (0: off)'),
  weightEps: z.number().min(1e-6).max(1).default(0.01).describe('per-sample weight eps'),
  fakeUpdates: z
    .number()
    .int()
    .min(1)
    .max(10)
    .default(1)
    .describe('updates of the fake FM net per student step'),
});
export type FreeFlowParams = z.infer<typeof freeflowSchema>;

function teacherOf(ctx: LossContext<FreeFlowParams>): VelocityFn {
  if (!ctx.teacher) throw new MissingTeacherError('freeflow');
  return ctx.teacher;
}

/** Per-sample weight sg(1 / (||D||^2 / dim + eps)^k) of a residual D [B, d]; null when k = 0. */
function sampleWeight(D: Tensor, k: number, eps: number): Tensor | null {
  if (k === 0) return null;
  const base = add(mul(sumSquares(D), 1 / D.shape[1]), eps);
  return stopGradient(div(1, k === 1 ? base : exp(mul(log(base), k))));
}

const weighted = (perSample: Tensor, w: Tensor | null): Tensor => mean(w ? mul(perSample, w) : perSample);

/** The student's one-jump map from the prior: f(z, 1, 1 - d) = z - d F(z, 1, 1 - d). */
export const studentJump = (net: FlowMapFn, zPrior: Tensor, d: Tensor): Tensor => {
  const one = filled(d.shape, 1);
  const s = sub(1, d);
  return flowMapFrom(zPrior, one, s, net(zPrior, one, s));
};

/** Predictor: the optimality condition F + d dF/dd = u_T(f(z, d), 1 - d) on prior samples. */
export function predictorLoss(
  ctx: LossContext<FreeFlowParams>,
  n: number,
): { loss: Tensor; residual: Tensor; F: Tensor } {
  const p = ctx.params;
  const zPrior = ctx.random([n, ctx.dim], 'normal');
  const d = sampleTimes(ctx.random, n, p.deltaDist, p.deltaMean, p.deltaStd);
  const one = filled(d.shape, 1);
  const s = sub(1, d);
  // dF/dd = -dF/ds: tangent (0, 0, -1) on (x, t, s).
  const { out, tangents } = jvp(
    (xx, tt, ss) => ctx.nets.net(xx, tt, ss),
    [zPrior, one, s],
    [null, null, filled(s.shape, -1)],
  );
  const F = out[0];
  const dFdd = tangents[0] ?? filled(F.shape, 0);
  const f = flowMapFrom(zPrior, one, s, F);
  const uT = teacherOf(ctx)(f, s);
  const residual =
    p.predictorForm === 'residual'
      ? sub(add(F, mul(d, dFdd)), uT)
      : sub(F, stopGradient(sub(uT, mul(d, dFdd))));
  const loss = weighted(sumSquares(residual), sampleWeight(residual, p.weightPower, p.weightEps));
  return { loss, residual, F };
}

/** One-step student samples f(z, 1, 0) from fresh prior draws, and the re-noising noise n. */
function studentSamples(ctx: LossContext<FreeFlowParams>, n: number): { x0: Tensor; noise: Tensor } {
  const zPrior = ctx.random([n, ctx.dim], 'normal');
  const x0 = studentJump(ctx.nets.net, zPrior, filled([n, 1], 1));
  return { x0, noise: ctx.random([n, ctx.dim], 'normal') };
}

/**
 * Corrector: pushes the student's re-noised samples x_r along (v_fake - u_T)(x_r, r) (the gradient of
 * the reverse KL in velocity form), through the shared distribution-matching surrogate: value
 * 1/2 ||g||^2 with g = sg(u_T - v_fake), gradient g . dx_r/dtheta.
 */
export function correctorLoss(ctx: LossContext<FreeFlowParams>, n: number): Tensor {
  const p = ctx.params;
  const r = logitNormalTimes(ctx.random, n, p.correctorMean, p.correctorStd);
  const { x0, noise } = studentSamples(ctx, n);
  const { perSample, g } = generatorMatching('velocity', teacherOf(ctx), ctx.nets.fake, x0, noise, r);
  return weighted(perSample, sampleWeight(g, p.weightPower, p.weightEps));
}

/** The fake network's Flow Matching loss on (detached) re-noised student samples. */
export function fakeLoss(ctx: LossContext<FreeFlowParams>, n: number): Tensor {
  const r = uniformTimes(ctx.random, n);
  const { x0, noise } = studentSamples(ctx, n);
  return fakeFlowMatchingLoss(ctx.nets.fake, x0, noise, r);
}

export function splitBatch(batch: number, share: number, corrector: boolean): [number, number] {
  if (!corrector) return [batch, 0];
  const np = Math.min(batch - 1, Math.max(1, Math.round(share * batch)));
  return [np, batch - np];
}

function studentLoss(ctx: LossContext<FreeFlowParams>): StepLoss {
  const p = ctx.params;
  const [np, nc] = splitBatch(ctx.batch, p.predictorShare, p.corrector);
  const predictor = predictorLoss(ctx, np).loss;
  if (nc === 0) return { total: predictor, terms: { freeflow: predictor, predictor } };
  const corrector = correctorLoss(ctx, nc);
  const total = add(predictor, mul(corrector, p.correctorWeight));
  return { total, terms: { freeflow: total, predictor, corrector } };
}

export const freeflow = defineMethod({
  id: 'freeflow',
  title: 'FreeFlow (data-free)',
  paper: '2511.19428',
  objective:
    '|| F(z, 1, 1 - d) - sg(u_T(f, 1 - d) - d dF/dd) ||^2 on z ~ N(0, I) + corrector (v_fake - u_T) . dx_r/dtheta',
  schema: freeflowSchema,
  supportsLabels: true,
  usesData: false,
  needsTeacher: () => true,
  networks: {
    teacher: teacherNetwork,
    net: {
      description: 'the student flow map from the prior, F(z, 1, 1 - d)',
      kind: 'flowMap',
      init: { copyOf: 'teacher' },
    },
    fake: fakeNetwork("online FM net of the student's re-noised samples (corrector)"),
  },
  sampleNetwork: 'net',
  stages: [
    teacherStage(),
    {
      name: 'student',
      description:
        "data-free distillation from prior samples: predictor along the teacher's path, corrector on the marginals",
      steps: 'train',
      reads: ['teacher', 'fake'],
      main: { name: 'net', trains: ['net'], buildLoss: studentLoss },
      extra: [
        fakeGroup<FreeFlowParams>(
          (p) => (p.corrector ? p.fakeUpdates : 0),
          (ctx) => {
            const n = splitBatch(ctx.batch, ctx.params.predictorShare, true)[1];
            const fm = fakeLoss(ctx, n);
            return { total: fm, terms: { fake: fm } };
          },
        ),
      ],
    },
  ],
  // FreeFlow learns jumps from t = 1 only: samples are one jump f(z, 1, 0); `steps` sets how many
  // points of the student's path f(z, 1, t_i) the trajectory shows (one evaluation each).
  sample: (ctx, noise, req) => {
    const n = noise.shape[0];
    const path = [noise];
    for (let i = 1; i <= req.steps; i++)
      path.push(studentJump(ctx.net, noise, filled([n, 1], i / req.steps)));
    return { samples: path[path.length - 1], trajectory: stackPoints(path), nfe: 1 };
  },
});
