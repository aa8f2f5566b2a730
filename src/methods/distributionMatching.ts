/**
 * Distribution matching (DMD 2311.18828, DMD2 2405.14867, VSD 2305.16213), shared by the FreeFlow
 * corrector, the DMD family and TMD stage 2: re-noise generator samples x_r = (1 - r) x + r n, train an
 * online "fake" FM network on DETACHED samples, and push the generator with the difference of the
 * real (teacher) and fake velocities at (x_r, r).
 *
 * Translation of DMD2's generator gradient (tianweiy/DMD2, edm_guidance.py) to our convention: the
 * x0 prediction of a velocity v at (x_r, r) is x_r - r v, so with x0_real, x0_fake from v_real, v_fake
 *   grad = (x0_fake - x0_real) / mean_dims |x - x0_real|     (the denominator held fixed)
 *        = r (v_real - v_fake) / mean_dims |x - x0_real|
 * applied as 0.5 || x - sg(x - grad) ||^2 (gradient: grad . dx/dtheta). The VSD form uses the noise
 * (eps) prediction x_r + (1 - r) v instead: grad = eps_real - eps_fake = (1 - r)(v_real - v_fake),
 * unweighted (omega = 1). FreeFlow's corrector uses the velocity difference itself, at x_r.
 */
import type { Tensor } from '../autodiff/graph.ts';
import { abs, add, div, mean, mul, stopGradient, sub, sum } from '../autodiff/ops.ts';
import { interpolate, sumSquares } from './flow.ts';
import type { FlowMapFn, LossContext, NetworkDecl, OptimizerGroup, StepLoss } from './method.ts';

/** DMD2's range of re-noising times (0.02 T .. 0.98 T). */
export const DM_TIME_MIN = 0.02;
export const DM_TIME_MAX = 0.98;

/** How the generator gradient is formed from v_real and v_fake at (x_r, r). */
export type MatchingForm = 'velocity' | 'dmd2' | 'vsd';

/** x_r = (1 - r) x + r n. */
export const renoise = (x: Tensor, noise: Tensor, r: Tensor): Tensor => interpolate(x, noise, r);

/**
 * Re-noising times r in [DM_TIME_MIN, DM_TIME_MAX] from one uniform draw; with `shift` != 1 the
 * time-shift t' = k t / (1 + (k - 1) t) (SD3's shift; k > 1 biases r toward noise).
 */
export function matchingTimes(random: LossContext<unknown>['random'], n: number, shift = 1): Tensor {
  let u: Tensor = random([n, 1], 'uniform');
  if (shift !== 1) u = div(mul(u, shift), add(mul(u, shift - 1), 1));
  return add(mul(u, DM_TIME_MAX - DM_TIME_MIN), DM_TIME_MIN);
}

/**
 * The fake network's Flow Matching loss on DETACHED samples: || v_fake(x_r, r) - (n - sg(x)) ||^2,
 * batch mean. No gradient reaches the generator that produced `samples`.
 */
export function fakeFlowMatchingLoss(fake: FlowMapFn, samples: Tensor, noise: Tensor, r: Tensor): Tensor {
  const x = stopGradient(samples);
  const xr = renoise(x, noise, r);
  return mean(sumSquares(sub(fake(xr, r, r), sub(noise, x))));
}

/**
 * The generator gradient g (held fixed) for a sample `x` re-noised to `xr` at `r`; descent moves the
 * point the surrogate is applied to along -g (toward the real distribution).
 */
export function matchingGradient(
  form: MatchingForm,
  x: Tensor,
  xr: Tensor,
  r: Tensor,
  vReal: Tensor,
  vFake: Tensor,
): Tensor {
  if (form === 'velocity') return stopGradient(sub(vReal, vFake));
  if (form === 'vsd') return stopGradient(mul(sub(1, r), sub(vReal, vFake)));
  const x0Real = sub(xr, mul(r, vReal));
  const x0Fake = sub(xr, mul(r, vFake));
  const norm = mean(abs(sub(x, x0Real)), [1], true);
  return stopGradient(div(sub(x0Fake, x0Real), norm));
}

/**
 * The surrogate 0.5 || p - sg(p - g) ||^2 per sample, written as (p . g - sg(p . g)) + 0.5 ||g||^2:
 * the same value 0.5 ||g||^2 and the same gradient g . dp/dtheta, without the rounding of p - (p - g).
 * Returns [B].
 */
export function matchingSurrogate(point: Tensor, g: Tensor): Tensor {
  const dot = sum(mul(point, g), [1]);
  return add(sub(dot, stopGradient(dot)), mul(sumSquares(g), 0.5));
}

/** Where the surrogate is applied: at the clean sample (DMD2) or at the re-noised one (FreeFlow). */
export interface GeneratorMatching {
  /** Per-sample surrogate [B]. */
  perSample: Tensor;
  /** The gradient g [B, d] (held fixed). */
  g: Tensor;
}

/**
 * The generator's distribution-matching term for samples `x` (with gradients to the generator):
 * re-noise with `noise` at `r`, read the real velocity and the fake network there, and apply the
 * surrogate at x (DMD2, VSD) or at x_r (FreeFlow's 'velocity' form).
 */
export function generatorMatching(
  form: MatchingForm,
  real: (x: Tensor, t: Tensor) => Tensor,
  fake: FlowMapFn,
  x: Tensor,
  noise: Tensor,
  r: Tensor,
): GeneratorMatching {
  const xr = renoise(x, noise, r);
  const g = matchingGradient(form, x, xr, r, real(xr, r), fake(xr, r, r));
  return { perSample: matchingSurrogate(form === 'velocity' ? xr : x, g), g };
}

/** The fake network: an online FM net of the student's re-noised samples, copied from the teacher. */
export const fakeNetwork = (description: string): NetworkDecl => ({
  description,
  kind: 'flowMap',
  init: { copyOf: 'teacher' },
});

/** The fake network's optimiser group, updated `updates(p)` times before each student step. */
export const fakeGroup = <P>(
  updates: (p: P) => number,
  buildLoss: (ctx: LossContext<P>) => StepLoss,
): OptimizerGroup<P> => ({
  name: 'fake',
  trains: ['fake'],
  order: 'before',
  updatesPerStep: updates,
  buildLoss,
});
