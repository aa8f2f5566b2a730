// Meta Flow Maps (Potaptchik et al. 2601.14430) with GLASS targets (2509.25170): E w || F(I_a, a, a; t, x_t) - sg(b_GLASS) ||^2 + E w || F(I_a, a, b; t, x_t) - sg(b_a + (b - a) dF) ||^2, dF = JVP along (b_a, 1, 0).
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { jvp } from '../autodiff/jvp.ts';
import {
  add,
  concat,
  exp,
  greater,
  log,
  maximum,
  minimum,
  mul,
  select,
  stopGradient,
  sub,
} from '../autodiff/ops.ts';
import { filled, flowMapFrom, interpolate, sumSquares } from './flow.ts';
import { teacherNetwork, teacherStage, requireData } from './fm.ts';
import { glassVelocity } from './glass.ts';
import { adaptiveLoss, flowMapSample } from './meanflow.ts';
import { defineMethod, type ConditionalFlowMapFn, type LossContext, type VelocityFn } from './method.ts';
import { MissingTeacherError } from './errors.ts';

export const mfmSchema = z.object({
  consistency: z
    .enum(['eulerian', 'lagrangian', 'semigroup'])
    .default('eulerian')
    .describe(
      "off-diagonal loss: eulerian F_ab -> sg(b_a + (b - a) JVP along (b_a, 1, 0)) (official 'esd_teacher'); lagrangian d/db X_ab -> sg(F(X_ab, b, b)); semigroup F_ab -> sg(g F_aw + (1 - g) F_wb(X_aw))",
    ),
  tangentVelocity: z
    .enum(['glass', 'model'])
    .default('glass')
    .describe(
      "b_a in the eulerian target and tangent: the GLASS teacher velocity (official) or the model's own sg(F(I_a, a, a))",
    ),
  condPower: z
    .number()
    .min(0.25)
    .max(4)
    .default(2)
    .describe('conditioning time t = 1 - U^k (the official U^k at their data-at-1 convention): the power k'),
  condNoiseShare: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.1)
    .describe(
      'share of rows conditioned at t = 1 (pure noise: the posterior is the prior, the unconditional map)',
    ),
  diagonalP: z
    .number()
    .min(0)
    .max(2)
    .default(0.5)
    .describe('adaptive weight 1 / sg(l + c)^p of the diagonal term: p'),
  offDiagonalP: z
    .number()
    .min(0)
    .max(2)
    .default(1)
    .describe('adaptive weight power p of the off-diagonal term'),
  adaptiveC: z.number().min(1e-6).max(1).default(0.01).describe('adaptive weight constant c'),
  consistencyWeight: z.number().min(0).max(10).default(1).describe('weight of the off-diagonal term'),
});
export type MfmParams = z.infer<typeof mfmSchema>;

/** The conditioning under which the network is the unconditional flow map: t = 1 (x_t is pure noise), x_t = 0. */
export const MARGINAL_CONDITION = [1, 0, 0] as const;

/** The conditioning vector c = (t, x_t) [B, 3]. */
export const condition = (t: Tensor, xt: Tensor): Tensor => concat([t, xt], 1);

/** One-step posterior samples X(e, 1, 0; t, x_t) = e - F(e, 1, 0; c). */
export function posteriorJump(net: ConditionalFlowMapFn, e: Tensor, c: Tensor): Tensor {
  const one = filled([e.shape[0], 1], 1);
  const zero = filled([e.shape[0], 1], 0);
  return flowMapFrom(e, one, zero, net(e, one, zero, c));
}

function teacherOf(ctx: LossContext<MfmParams>): VelocityFn {
  if (!ctx.teacher) throw new MissingTeacherError('mfm');
  return ctx.teacher;
}

/** The batch of one step: data x_0, its noisy observation x_t at conditioning time t, and c = (t, x_t). */
export function mfmBatch(ctx: LossContext<MfmParams>) {
  const p = ctx.params;
  const x0 = requireData(ctx);
  const n = ctx.batch;
  const u = ctx.random([n, 1], 'uniform');
  const coin = ctx.random([n, 1], 'uniform');
  const powered = p.condPower === 1 ? u : exp(mul(log(u), p.condPower));
  const t = select(greater(coin, p.condNoiseShare), sub(1, powered), 1);
  const e = ctx.random(x0.shape, 'normal');
  const xt = interpolate(x0, e, t);
  return { x0, t, xt, c: condition(t, xt) };
}

export function mfmLoss(ctx: LossContext<MfmParams>) {
  const p = ctx.params;
  const net = ctx.condNets.net;
  const teacher = teacherOf(ctx);
  const { x0, t, xt, c } = mfmBatch(ctx);
  const n = ctx.batch;
  const glass = (I: Tensor, a: Tensor) => stopGradient(glassVelocity(teacher, I, a, xt, t));

  // Diagonal: F(I_a, a, a; c) regressed on the GLASS velocity.
  const ad = ctx.random([n, 1], 'uniform');
  const Id = interpolate(x0, ctx.random(x0.shape, 'normal'), ad);
  const diagResidual = sub(net(Id, ad, ad, c), glass(Id, ad));
  const diagonal = adaptiveLoss(sumSquares(diagResidual), p.diagonalP, p.adaptiveC);

  // Off-diagonal on a sorted pair a >= b (a the noisier aux time).
  const u1 = ctx.random([n, 1], 'uniform');
  const u2 = ctx.random([n, 1], 'uniform');
  const a = maximum(u1, u2);
  const b = minimum(u1, u2);
  const I = interpolate(x0, ctx.random(x0.shape, 'normal'), a);
  const F = (x: Tensor, from: Tensor, to: Tensor) => net(x, from, to, c);
  let residual: Tensor;
  if (p.consistency === 'eulerian') {
    const ba = p.tangentVelocity === 'glass' ? glass(I, a) : stopGradient(F(I, a, a));
    const { out, tangents } = jvp(F, [I, a, b], [ba, filled(a.shape, 1), null]);
    const dF = tangents[0] ?? filled(out[0].shape, 0);
    residual = sub(out[0], stopGradient(add(ba, mul(sub(b, a), dF))));
  } else if (p.consistency === 'lagrangian') {
    const X = (x: Tensor, from: Tensor, to: Tensor) => flowMapFrom(x, from, to, F(x, from, to));
    const { out, tangents } = jvp(X, [I, a, b], [null, null, filled(b.shape, 1)]);
    const dXdb = tangents[0] ?? filled(out[0].shape, 0);
    residual = sub(dXdb, stopGradient(F(out[0], b, b)));
  } else {
    const g = ctx.random([n, 1], 'uniform');
    const w = add(a, mul(g, sub(b, a)));
    const Faw = F(I, a, w);
    const Xaw = flowMapFrom(I, a, w, Faw);
    const target = add(mul(g, Faw), mul(sub(1, g), F(Xaw, w, b)));
    residual = sub(F(I, a, b), stopGradient(target));
  }
  const consistency = adaptiveLoss(sumSquares(residual), p.offDiagonalP, p.adaptiveC);
  const total = add(diagonal, mul(consistency, p.consistencyWeight));
  return { total, terms: { diagonal, consistency } };
}

export const mfm = defineMethod({
  id: 'mfm',
  title: 'Meta Flow Maps',
  paper: '2601.14430',
  objective:
    'E w || F(I_a, a, a; t, x_t) - sg(b_GLASS) ||^2 + E w || F(I_a, a, b; t, x_t) - sg(b_a + (b - a) dF) ||^2: one-step samples of p(x_0 | x_t)',
  schema: mfmSchema,
  usesData: true,
  needsTeacher: () => true,
  networks: {
    teacher: teacherNetwork,
    net: {
      description:
        'the conditional flow map F(x, a, b; t, x_t) over the auxiliary time, carrying noise to p(x_0 | x_t)',
      kind: 'conditionalFlowMap',
      condDim: 3,
      sampleCondition: MARGINAL_CONDITION,
      init: 'fresh',
    },
  },
  sampleNetwork: 'net',
  stages: [
    teacherStage<MfmParams>(),
    {
      name: 'student',
      description: 'the conditional flow map on GLASS targets from the frozen teacher',
      steps: 'train',
      reads: ['teacher'],
      main: { name: 'net', trains: ['net'], buildLoss: mfmLoss },
    },
  ],
  // Unconditional samples: the map at t = 1, where the posterior is the prior (sampleCondition).
  sample: (ctx, noise, req) => flowMapSample(ctx.net, noise, req.steps),
});
