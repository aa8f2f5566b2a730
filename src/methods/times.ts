/**
 * Time samplers as graph ops on uniform/normal random leaves: vectorised over the batch, no
 * per-sample loops, no rejection. Every sampler returns columns [B, 1].
 */
import type { Tensor } from '../autodiff/graph.ts';
import {
  abs,
  add,
  concat,
  div,
  exp,
  greater,
  log,
  maximum,
  minimum,
  mul,
  neg,
  select,
  sigmoid,
  slice,
  sqrt,
  square,
  sub,
} from '../autodiff/ops.ts';
import type { LossContext } from './method.ts';

type Rand = LossContext<unknown>['random'];

/** t ~ U(0, 1). */
export const uniformTimes = (random: Rand, batch: number): Tensor => random([batch, 1], 'uniform');

/** t = sigmoid(mean + std n), n ~ N(0, 1): the logit-normal of SD3 / MeanFlow / TVM. */
export const logitNormalTimes = (random: Rand, batch: number, mu: number, sigma: number): Tensor =>
  sigmoid(add(mul(random([batch, 1], 'normal'), sigma), mu));

export type TimeDistribution = 'uniform' | 'logitNormal';

/** One column of times from a named distribution. */
export function sampleTimes(
  random: Rand,
  batch: number,
  dist: TimeDistribution,
  mu: number,
  sigma: number,
): Tensor {
  return dist === 'uniform' ? uniformTimes(random, batch) : logitNormalTimes(random, batch, mu, sigma);
}

/** Two independent draws sorted so that t >= r (MeanFlow's `sample_tr`). */
export function sortedPair(
  random: Rand,
  batch: number,
  dist: TimeDistribution,
  mu: number,
  sigma: number,
): { t: Tensor; r: Tensor } {
  const a = sampleTimes(random, batch, dist, mu, sigma);
  const b = sampleTimes(random, batch, dist, mu, sigma);
  return { t: maximum(a, b), r: minimum(a, b) };
}

/**
 * Sets r := t on the first round(fraction * B) rows (official MeanFlow: a fixed share of the batch,
 * by index, so the share is exact at every step).
 */
export function equalOnFraction(t: Tensor, r: Tensor, fraction: number): Tensor {
  const batch = t.shape[0];
  const k = Math.round(fraction * batch);
  if (k <= 0) return r;
  if (k >= batch) return t;
  return concat([slice(t, 0, 0, k), slice(r, 0, k, batch - k)], 0);
}

/** Horner: c[0] x^(n-1) + ... + c[n-1], with the leading coefficient first. */
function poly(x: Tensor, c: readonly number[]): Tensor {
  let acc: Tensor = add(mul(x, c[0]), c[1]);
  for (let i = 2; i < c.length; i++) acc = add(mul(acc, x), c[i]);
  return acc;
}

// erfc(z) ~ t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), fractional error < 1.2e-7 (Numerical Recipes, erfcc).
const ERFC = [
  0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196,
  1.00002368, -1.26551223,
];

/** The standard normal CDF Phi(x), elementwise (relative error < 1.2e-7 in both tails). */
export function normalCdf(x: Tensor): Tensor {
  const z = mul(abs(x), Math.SQRT1_2);
  const t = div(1, add(mul(z, 0.5), 1));
  const upper = mul(mul(t, exp(sub(poly(t, ERFC), square(z)))), 0.5); // P(N > |x|)
  return select(greater(x, 0), sub(1, upper), upper);
}

// Acklam's rational approximations of the normal quantile (relative error < 1.15e-9).
const ACKLAM_A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const ACKLAM_B = [
  -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572, 1,
];
const ACKLAM_C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416, 1];
const ACKLAM_LOW = 0.02425;

/** The standard normal quantile Phi^-1(p), elementwise, for p in (0, 1). */
export function normalQuantile(p: Tensor): Tensor {
  const q = sub(p, 0.5);
  const r = square(q);
  const central = div(mul(poly(r, ACKLAM_A), q), poly(r, ACKLAM_B));
  const tailP = maximum(minimum(p, sub(1, p)), 1e-30);
  const u = sqrt(mul(log(tailP), -2));
  const lowerTail = div(poly(u, ACKLAM_C), poly(u, ACKLAM_D)); // Phi^-1(tailP) < 0
  const tail = select(greater(p, 0.5), neg(lowerTail), lowerTail);
  return select(greater(ACKLAM_LOW, tailP), tail, central);
}

export interface TvmTimes {
  t: Tensor;
  s: Tensor;
  /** The independent time of the flow-matching anchor term. */
  sPrime: Tensor;
}

/**
 * TVM's official sampler (lumalabs/tvm `sample_ts`): gap ~ sigmoid(N(gapMean, gapStd)),
 * s ~ sigmoid(N(sMean, sStd)) truncated to s <= 1 - gap (inverse-CDF sampling of the truncated
 * normal in logit space: logit(1 - gap) = -logit(gap), exactly), t = min(s + gap, 1),
 * s' ~ sigmoid(N(sMean, sStd)).
 */
export function tvmTimes(
  random: Rand,
  batch: number,
  sMean: number,
  sStd: number,
  gapMean: number,
  gapStd: number,
): TvmTimes {
  const gapLogit = add(mul(random([batch, 1], 'normal'), gapStd), gapMean);
  const gap = sigmoid(gapLogit);
  const bound = div(sub(neg(gapLogit), sMean), sStd); // standardised logit(1 - gap)
  const p = mul(random([batch, 1], 'uniform'), normalCdf(bound));
  const s = sigmoid(add(mul(normalQuantile(p), sStd), sMean));
  const t = minimum(add(s, gap), 1);
  const sPrime = logitNormalTimes(random, batch, sMean, sStd);
  return { t, s, sPrime };
}
