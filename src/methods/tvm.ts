// Terminal Velocity Matching (Zhou, Parger, Haque, Song; 2511.19797): L = E || d/ds f(z_t, t, s) - sg(F_ema(f, s, s)) ||^2 + || F(z_s', s', s') - (e - x) ||^2.
import { z } from 'zod';
import { jvp } from '../autodiff/jvp.ts';
import { add, greater, mean, mul, reshape, select, stopGradient, sub } from '../autodiff/ops.ts';
import { conditionalVelocity, filled, flowMapFrom, interpolate, meanSquares, zeroNonFinite } from './flow.ts';
import { requireData } from './fm.ts';
import { flowMapSample } from './meanflow.ts';
import { defineMethod } from './method.ts';
import { tvmTimes } from './times.ts';

export const tvmSchema = z.object({
  sMean: z
    .number()
    .min(-3)
    .max(3)
    .default(-0.4)
    .describe("logit-normal mean of the terminal time s and of s' (official -0.4)"),
  sStd: z.number().min(0.1).max(3).default(1).describe("logit-normal std of s and s' (official 1.0)"),
  gapMean: z
    .number()
    .min(-3)
    .max(3)
    .default(-0.8)
    .describe('logit-normal mean of the gap t - s (official -0.8)'),
  gapStd: z.number().min(0.1).max(3).default(1).describe('logit-normal std of the gap t - s (official 1.0)'),
  targetEma: z
    .number()
    .min(0)
    .max(0.9999)
    .default(0.99)
    .describe('EMA decay of the target network F_ema that gives the terminal velocity (official 0.99)'),
  fmWeight: z
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe("weight of the flow-matching anchor term at s' (official 1)"),
  detachJvp: z
    .boolean()
    .default(false)
    .describe(
      'stop the gradient through dF/ds (official option detach_jvp, off: gradients flow through the JVP)',
    ),
  beta1: z.number().min(0).max(0.9999).default(0.9).describe('AdamW beta1 (official 0.9)'),
  beta2: z.number().min(0).max(0.99999).default(0.95).describe('AdamW beta2 (official 0.95)'),
});
export type TvmParams = z.infer<typeof tvmSchema>;

/** Below this gap t - s the terminal term is set to 0 (official: torch.isclose(s, t)). */
export const TVM_MIN_GAP = 1e-6;

export const tvm = defineMethod({
  id: 'tvm',
  title: 'Terminal Velocity Matching',
  paper: '2511.19797',
  objective: "|| F + (s - t) dF/ds - sg(F_ema(f(z_t, t, s), s, s)) ||^2 + || F(z_s', s', s') - (e - x) ||^2",
  schema: tvmSchema,
  supportsLabels: true,
  usesData: true,
  needsTeacher: () => false,
  networks: {
    net: { description: 'the flow map F(x, t, s)', kind: 'flowMap', init: 'fresh' },
    target: {
      description: "EMA copy of the flow map; its diagonal F_ema(x, s, s) is the terminal velocity's target",
      kind: 'flowMap',
      init: { copyOf: 'net' },
      emaOf: { source: 'net', decayParam: 'targetEma' },
    },
  },
  sampleNetwork: 'net',
  stages: [
    {
      name: 'student',
      description: 'terminal velocity matching with an FM anchor (no teacher)',
      steps: 'train',
      reads: ['target'],
      main: {
        name: 'net',
        trains: ['net'],
        optimizer: (p) => ({ beta1: p.beta1, beta2: p.beta2 }),
        buildLoss: (ctx) => {
          const p = ctx.params;
          const x = requireData(ctx);
          const e = ctx.random(x.shape, 'normal');
          const { t, s, sPrime } = tvmTimes(ctx.random, ctx.batch, p.sMean, p.sStd, p.gapMean, p.gapStd);
          const zt = interpolate(x, e, t);
          const net = ctx.nets.net;
          // dF/ds: JVP with tangent (0, 0, 1) on (x, t, s); reverse mode later differentiates through it.
          const { out, tangents } = jvp(
            (xx, tt, ss) => net(xx, tt, ss),
            [zt, t, s],
            [null, null, filled(s.shape, 1)],
          );
          const F = out[0];
          let dFds = tangents[0] ?? filled(F.shape, 0);
          if (p.detachJvp) dFds = stopGradient(dFds);
          const dfds = add(F, mul(sub(s, t), dFds)); // d/ds [x + (s - t) F]
          const f = flowMapFrom(zt, t, s, F);
          const terminalTarget = stopGradient(ctx.nets.target(f, s, s));
          const apart = reshape(greater(sub(t, s), TVM_MIN_GAP), [ctx.batch]);
          const terminal = select(apart, meanSquares(sub(dfds, terminalTarget)), 0);
          const zsp = interpolate(x, e, sPrime);
          const fmTerm = meanSquares(sub(net(zsp, sPrime, sPrime), conditionalVelocity(x, e)));
          const perSample = zeroNonFinite(add(terminal, mul(fmTerm, p.fmWeight)));
          const total = mean(perSample);
          return { total, terms: { tvm: total, terminal: mean(terminal), fm: mean(fmTerm) } };
        },
      },
    },
  ],
  sample: (ctx, noise, req) => flowMapSample(ctx.net, noise, req.steps),
});
