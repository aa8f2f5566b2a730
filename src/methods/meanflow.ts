// MeanFlow (Geng, Deng, Bai, Kolter, He; 2505.13447): L = E w || F(z_t, t, r) - sg(v - (t - r) dF/dt) ||^2, dF/dt = JVP with tangent (v, 1, 0) on (z, t, r).
import { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { jvp } from '../autodiff/jvp.ts';
import { add, div, exp, log, mean, mul, stopGradient, sub } from '../autodiff/ops.ts';
import { conditionalVelocity, filled, flowMapPath, interpolate, stackPoints, sumSquares } from './flow.ts';
import { requireData } from './fm.ts';
import { defineMethod, type FlowMapFn, type LossContext, type SampleResult } from './method.ts';
import { equalOnFraction, sortedPair } from './times.ts';

export const meanflowSchema = z.object({
  timeDist: z
    .enum(['uniform', 'logitNormal'])
    .default('logitNormal')
    .describe('distribution of both times before sorting (official: logit-normal)'),
  timeMean: z.number().min(-3).max(3).default(-0.4).describe('logit-normal mean (official -0.4)'),
  timeStd: z.number().min(0.1).max(3).default(1).describe('logit-normal std (official 1.0)'),
  ratioEqual: z
    .number()
    .min(0)
    .max(1)
    .default(0.75)
    .describe(
      'share of the batch with r = t (plain FM rows): 0.75 in the ImageNet code, 0.25 in the CIFAR code',
    ),
  adaptiveP: z
    .number()
    .min(0)
    .max(2)
    .default(1)
    .describe('adaptive weight power p: w = 1 / sg((loss + eps)^p); 0 is plain MSE'),
  adaptiveEps: z
    .number()
    .min(1e-8)
    .max(1)
    .default(0.01)
    .describe('adaptive weight eps (ImageNet 0.01; CIFAR 1e-3)'),
  jvpVelocityMix: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe(
      "velocity in the JVP tangent: 1 = conditional v = e - x (official); 0 = the model's own sg(F(z, t, t)) (a control variate, 2605.09235)",
    ),
});
export type MeanFlowParams = z.infer<typeof meanflowSchema>;

/** (a + eps)^p as a graph, with the p = 0 and p = 1 cases free of exp/log. */
function powerOf(a: Tensor, eps: number, p: number): Tensor | null {
  if (p === 0) return null;
  const base = add(a, eps);
  return p === 1 ? base : exp(mul(log(base), p));
}

type MeanflowParams = z.infer<typeof meanflowSchema>;

/**
 * MeanFlow's adaptive loss: per-sample squared error l (summed over dims) divided by
 * sg((l + eps)^p), batch-averaged. Also used by FreeFlow's per-sample weighting.
 */
export function adaptiveLoss(perSample: Tensor, p: number, eps: number): Tensor {
  const w = powerOf(perSample, eps, p);
  return mean(w ? div(perSample, stopGradient(w)) : perSample);
}

/**
 * MeanFlow's times: a sorted pair (t >= r) from `timeDist`, r = t on `ratioEqual` of the rows. r is a
 * separate JVP input with zero tangent; when every row has r = t it must still be a distinct tensor, or
 * the two seeds (1 and 0) on one tensor would add up.
 */
export function meanflowTimes(
  ctx: Pick<LossContext<unknown>, 'random' | 'batch'>,
  p: Pick<MeanflowParams, 'timeDist' | 'timeMean' | 'timeStd' | 'ratioEqual'>,
): { t: Tensor; r: Tensor } {
  const pair = sortedPair(ctx.random, ctx.batch, p.timeDist, p.timeMean, p.timeStd);
  const t = pair.t;
  const rAll = equalOnFraction(t, pair.r, p.ratioEqual);
  return { t, r: rAll === t ? add(t, 0) : rAll };
}

/**
 * MeanFlow's objective at (z_t, t, r): w || F(z_t, t, r) - sg(v - (t - r) dF/dt) ||^2, the total derivative
 * dF/dt = JVP along `tangent` with (1, 0) on the times (d/dt F(z_t, t, r) along dz/dt = tangent).
 */
export function meanflowObjective(
  net: FlowMapFn,
  zt: Tensor,
  t: Tensor,
  r: Tensor,
  v: Tensor,
  tangent: Tensor,
  p: Pick<MeanflowParams, 'adaptiveP' | 'adaptiveEps'>,
): { total: Tensor; terms: Record<string, Tensor> } {
  const { out, tangents } = jvp(
    (zz, tt, rr) => net(zz, tt, rr),
    [zt, t, r],
    [tangent, filled(t.shape, 1), null],
  );
  const F = out[0];
  const dFdt = tangents[0] ?? filled(F.shape, 0);
  const target = stopGradient(sub(v, mul(sub(t, r), dFdt)));
  const perSample = sumSquares(sub(F, target));
  const total = adaptiveLoss(perSample, p.adaptiveP, p.adaptiveEps);
  return { total, terms: { meanflow: total, mse: mean(perSample) } };
}

/** Flow-map sampling on the uniform grid with `steps` jumps (shared by all flow-map methods). */
export function flowMapSample(net: FlowMapFn, noise: Tensor, steps: number): SampleResult {
  const path = flowMapPath(net, noise, steps);
  return { samples: path[path.length - 1], trajectory: stackPoints(path), nfe: steps };
}

export const meanflow = defineMethod({
  id: 'meanflow',
  title: 'MeanFlow',
  paper: '2505.13447',
  objective: 'E w || F(z_t, t, r) - sg(v - (t - r) dF/dt) ||^2, dF/dt = JVP along (v, 1, 0) on (z, t, r)',
  schema: meanflowSchema,
  supportsLabels: true,
  usesData: true,
  needsTeacher: () => false,
  networks: {
    net: {
      description: 'the average velocity F(z, t, r) (u(z, r, t) in the paper)',
      kind: 'flowMap',
      init: 'fresh',
    },
  },
  sampleNetwork: 'net',
  stages: [
    {
      name: 'student',
      description: 'MeanFlow from scratch (no teacher)',
      steps: 'train',
      reads: [],
      main: {
        name: 'net',
        trains: ['net'],
        buildLoss: (ctx) => {
          const p = ctx.params;
          const x = requireData(ctx);
          const e = ctx.random(x.shape, 'normal');
          const { t, r } = meanflowTimes(ctx, p);
          const zt = interpolate(x, e, t);
          const v = conditionalVelocity(x, e);
          const net = ctx.nets.net;
          let tangent = v;
          if (p.jvpVelocityMix < 1) {
            const own = stopGradient(net(zt, t, t));
            tangent = add(mul(v, p.jvpVelocityMix), mul(own, 1 - p.jvpVelocityMix));
          }
          return meanflowObjective(net, zt, t, r, v, tangent, p);
        },
      },
    },
  ],
  sample: (ctx, noise, req) => flowMapSample(ctx.net, noise, req.steps),
});
