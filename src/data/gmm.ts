/**
 * Isotropic Gaussian mixtures in 2-D: sum_k w_k N(mu_k, s_k^2 I). The 8-gaussians dataset is one,
 * and every exact quantity of the linear path (velocity, posterior, denoiser) is closed-form for them.
 */
import {
  EIGHT_GAUSSIANS_COUNT,
  EIGHT_GAUSSIANS_RADIUS,
  EIGHT_GAUSSIANS_STD,
  GMM3_COUNT,
  GMM3_SPACING,
  GMM3_STD,
} from '../engine/cpu/sampleData.ts';

export interface GaussianMixture {
  /** Component means mu_k. */
  means: readonly (readonly [number, number])[];
  /** Per-coordinate standard deviations s_k (covariance s_k^2 I). */
  stds: readonly number[];
  /** Mixture weights w_k, summing to 1. */
  weights: readonly number[];
}

export class InvalidMixtureError extends Error {
  override name = 'InvalidMixtureError';
  constructor(detail: string) {
    super(
      `Invalid Gaussian mixture: ${detail}. Give equal-length means, stds (> 0) and weights (>= 0, sum 1).`,
    );
  }
}

export function checkMixture(gmm: GaussianMixture): GaussianMixture {
  const k = gmm.means.length;
  if (k === 0 || gmm.stds.length !== k || gmm.weights.length !== k)
    throw new InvalidMixtureError(`${k} means, ${gmm.stds.length} stds, ${gmm.weights.length} weights`);
  if (gmm.stds.some((s) => !(s > 0))) throw new InvalidMixtureError('a std is not positive');
  const total = gmm.weights.reduce((a, b) => a + b, 0);
  if (gmm.weights.some((w) => !(w >= 0)) || Math.abs(total - 1) > 1e-9)
    throw new InvalidMixtureError(`weights sum to ${total}`);
  return gmm;
}

/** The mixture that the '8gaussians' dataset samples from exactly. */
export function eightGaussians(): GaussianMixture {
  const means: [number, number][] = [];
  for (let k = 0; k < EIGHT_GAUSSIANS_COUNT; k++) {
    const a = (2 * Math.PI * k) / EIGHT_GAUSSIANS_COUNT;
    means.push([EIGHT_GAUSSIANS_RADIUS * Math.cos(a), EIGHT_GAUSSIANS_RADIUS * Math.sin(a)]);
  }
  return {
    means,
    stds: new Array<number>(EIGHT_GAUSSIANS_COUNT).fill(EIGHT_GAUSSIANS_STD),
    weights: new Array<number>(EIGHT_GAUSSIANS_COUNT).fill(1 / EIGHT_GAUSSIANS_COUNT),
  };
}

/** The mixture that the 'gmm3' dataset samples from exactly (the Meta Flow Maps paper's prior). */
export function gmm3(): GaussianMixture {
  const means = Array.from({ length: GMM3_COUNT }, (_, k): [number, number] => {
    const m = GMM3_SPACING * (k - 1);
    return [m, m];
  });
  return {
    means,
    stds: new Array<number>(GMM3_COUNT).fill(GMM3_STD),
    weights: new Array<number>(GMM3_COUNT).fill(1 / GMM3_COUNT),
  };
}

/** The isotropic Gaussian mixture a dataset is, where it is one (8gaussians, gmm3), else null. */
export function datasetMixture(dataset: string): GaussianMixture | null {
  if (dataset === '8gaussians') return eightGaussians();
  if (dataset === 'gmm3') return gmm3();
  return null;
}

/** log sum_k exp(a_k), stable. */
export function logSumExp(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  if (m === -Infinity) return -Infinity;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}

/** log N((x, y); mean, variance I) in 2-D. */
export const logNormal2 = (x: number, y: number, mx: number, my: number, variance: number): number =>
  -Math.log(2 * Math.PI * variance) - ((x - mx) ** 2 + (y - my) ** 2) / (2 * variance);

/** log p(x, y) of the mixture. */
export function gmmLogDensity(gmm: GaussianMixture, x: number, y: number): number {
  const terms = gmm.means.map(
    (m, k) => Math.log(gmm.weights[k]) + logNormal2(x, y, m[0], m[1], gmm.stds[k] ** 2),
  );
  return logSumExp(terms);
}

/** The mixture's density at (x, y). */
export const gmmDensity = (gmm: GaussianMixture, x: number, y: number): number =>
  Math.exp(gmmLogDensity(gmm, x, y));

/**
 * The class of each component of the mixture a labelled dataset is (index k of `means`), or null when
 * the dataset is not a Gaussian mixture. 8 gaussians: 'modes' gives component k class k, 'groups' k mod 2.
 */
export function mixtureClasses(dataset: string, labelling: string): number[] | null {
  if (dataset !== '8gaussians') return null;
  const k = Array.from({ length: EIGHT_GAUSSIANS_COUNT }, (_, i) => i);
  if (labelling === 'modes') return k;
  if (labelling === 'groups') return k.map((i) => i % 2);
  return null;
}

/**
 * The class-conditional mixture p(x | c): the components of class `c`, their weights renormalised
 * (labels drawn with the points are a function of the component, so this is exact).
 */
export function classMixture(gmm: GaussianMixture, classes: readonly number[], c: number): GaussianMixture {
  const idx = classes.flatMap((k, i) => (k === c ? [i] : []));
  if (idx.length === 0 || classes.length !== gmm.means.length)
    throw new InvalidMixtureError(`no component of class ${c} among ${classes.length} labelled components`);
  const total = idx.reduce((s, i) => s + gmm.weights[i], 0);
  return {
    means: idx.map((i) => gmm.means[i]),
    stds: idx.map((i) => gmm.stds[i]),
    weights: idx.map((i) => gmm.weights[i] / total),
  };
}
