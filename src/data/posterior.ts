/**
 * Exact targets of Meta Flow Maps on Gaussian-mixture data, in float64: seeded samples of the posterior
 * p(x_0 | z_t = z) (an isotropic mixture, src/data/linearPath.ts), and the reward-tilted prior
 * p(x) exp r(x) / Z for the linear-Gaussian observation reward r(x) = log N(y; a . x, sigma^2).
 *
 * The tilt of a component N(m, S) is Gaussian again (a Kalman update with the scalar observation
 * y = a . x + sigma n), and no longer isotropic, so tilted mixtures carry full 2 x 2 covariances:
 *   q = a' S a + sigma^2,  m' = m + S a (y - a . m) / q,  S' = S - (S a)(S a)' / q,
 *   w'_k ∝ w_k N(y; a . m_k, q_k).
 */
import { chooseOf } from '../engine/cpu/sampleData.ts';
import { bitsToUniform, philox4x32_10 } from '../engine/cpu/philox.ts';
import type { GaussianMixture } from './gmm.ts';
import { gmmPosterior } from './linearPath.ts';

/** A 2-D Gaussian mixture with full covariances; a covariance is (xx, xy, yy). */
export interface FullMixture {
  means: readonly (readonly [number, number])[];
  covs: readonly (readonly [number, number, number])[];
  weights: readonly number[];
}

/** r(x) = log N(y; a . x, sigma^2): a noisy linear observation y of the sample. */
export interface LinearReward {
  a: readonly [number, number];
  y: number;
  sigma: number;
}

/** The Meta Flow Maps paper's reward on gmm3: a = [1.2, -0.8], y = -1, sigma = 0.2. */
export const PAPER_REWARD: LinearReward = { a: [1.2, -0.8], y: -1, sigma: 0.2 };

/** Philox stream of exact-posterior and tilted-target samples (apart from data and training streams). */
export const POSTERIOR_STREAM = 0x9057e000;

export class InvalidRewardError extends Error {
  override name = 'InvalidRewardError';
  constructor(detail: string) {
    super(`Invalid reward: ${detail}. Give a finite direction a = (A1, A2) != 0, a finite y and sigma > 0.`);
  }
}

export function checkReward(r: LinearReward): LinearReward {
  if (![r.a[0], r.a[1], r.y, r.sigma].every(Number.isFinite))
    throw new InvalidRewardError('a value is not finite');
  if (r.a[0] === 0 && r.a[1] === 0) throw new InvalidRewardError('a is zero');
  if (!(r.sigma > 0)) throw new InvalidRewardError(`sigma = ${r.sigma}`);
  return r;
}

/** r(x) at one point. */
export const linearReward = (r: LinearReward, x: number, y: number): number => {
  const d = r.y - (r.a[0] * x + r.a[1] * y);
  return -0.5 * Math.log(2 * Math.PI * r.sigma ** 2) - (d * d) / (2 * r.sigma ** 2);
};

/** An isotropic mixture as a full-covariance one. */
export const fullMixture = (gmm: GaussianMixture): FullMixture => ({
  means: gmm.means,
  covs: gmm.stds.map((s) => [s * s, 0, s * s] as const),
  weights: gmm.weights,
});

/** The exact tilted mixture p(x) exp r(x) / Z. */
export function tiltedMixture(prior: GaussianMixture | FullMixture, reward: LinearReward): FullMixture {
  const mix = 'covs' in prior ? prior : fullMixture(prior);
  const { a, y, sigma } = checkReward(reward);
  const means: [number, number][] = [];
  const covs: [number, number, number][] = [];
  const logw: number[] = [];
  mix.means.forEach(([mx, my], k) => {
    const [sxx, sxy, syy] = mix.covs[k];
    const sa: [number, number] = [sxx * a[0] + sxy * a[1], sxy * a[0] + syy * a[1]];
    const q = a[0] * sa[0] + a[1] * sa[1] + sigma * sigma;
    const innov = y - (a[0] * mx + a[1] * my);
    means.push([mx + (sa[0] * innov) / q, my + (sa[1] * innov) / q]);
    covs.push([sxx - (sa[0] * sa[0]) / q, sxy - (sa[0] * sa[1]) / q, syy - (sa[1] * sa[1]) / q]);
    logw.push(Math.log(mix.weights[k]) - 0.5 * Math.log(2 * Math.PI * q) - (innov * innov) / (2 * q));
  });
  const m = Math.max(...logw);
  const e = logw.map((l) => Math.exp(l - m));
  const total = e.reduce((s, v) => s + v, 0);
  return { means, covs, weights: e.map((v) => v / total) };
}

/** Mean and covariance (xx, xy, yy) of a mixture (law of total variance). */
export function mixtureMoments(mix: FullMixture): { mean: [number, number]; cov: [number, number, number] } {
  let mx = 0;
  let my = 0;
  mix.means.forEach(([x, y], k) => {
    mx += mix.weights[k] * x;
    my += mix.weights[k] * y;
  });
  let xx = 0;
  let xy = 0;
  let yy = 0;
  mix.means.forEach(([x, y], k) => {
    const w = mix.weights[k];
    const [cxx, cxy, cyy] = mix.covs[k];
    xx += w * (cxx + (x - mx) ** 2);
    xy += w * (cxy + (x - mx) * (y - my));
    yy += w * (cyy + (y - my) ** 2);
  });
  return { mean: [mx, my], cov: [xx, xy, yy] };
}

/**
 * `n` seeded samples ([n, 2] row-major) of a mixture. Sample i reads the Philox uniforms of counter
 * (i, 0, stream, 0), key (seed, 0): the component from u0 (the weights' cumulative sums on its 23-bit
 * grid), two normals from Box-Muller on (u1, u2), coloured by the component's Cholesky factor.
 */
export function sampleMixture(
  mix: FullMixture,
  n: number,
  seed: number,
  stream = POSTERIOR_STREAM,
): Float64Array {
  const cum: number[] = [];
  let c = 0;
  for (const w of mix.weights) cum.push((c += w));
  const chol = mix.covs.map(([xx, xy, yy]) => {
    const l11 = Math.sqrt(Math.max(xx, 0));
    const l21 = l11 > 0 ? xy / l11 : 0;
    return [l11, l21, Math.sqrt(Math.max(yy - l21 * l21, 0))];
  });
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const b = philox4x32_10([i, 0, stream, 0], [seed, 0]);
    const u0 = chooseOf(bitsToUniform(b[0]), 8388608) / 8388608;
    let k = cum.findIndex((v) => u0 < v * (1 - 1e-12));
    if (k < 0) k = cum.length - 1;
    const r = Math.sqrt(-2 * Math.log(bitsToUniform(b[1])));
    const ang = 2 * Math.PI * bitsToUniform(b[2]);
    const n1 = r * Math.cos(ang);
    const n2 = r * Math.sin(ang);
    const [l11, l21, l22] = chol[k];
    out[2 * i] = mix.means[k][0] + l11 * n1;
    out[2 * i + 1] = mix.means[k][1] + l21 * n1 + l22 * n2;
  }
  return out;
}

/** `n` seeded samples of the exact posterior p(x_0 | z_t = (zx, zy)). */
export function samplePosterior(
  gmm: GaussianMixture,
  zx: number,
  zy: number,
  t: number,
  n: number,
  seed: number,
  stream = POSTERIOR_STREAM,
): Float64Array {
  return sampleMixture(fullMixture(gmmPosterior(gmm, zx, zy, t)), n, seed, stream);
}

/**
 * The exact value function V_t(z) = log E[exp r(x_0) | z_t = z] of a linear-Gaussian reward on an
 * isotropic mixture: the posterior is a mixture of N(m_k, v_k I), and each component integrates the
 * Gaussian likelihood in closed form, E_k[exp r] = N(y; a . m_k, sigma^2 + |a|^2 v_k).
 */
export function valueFunction(
  gmm: GaussianMixture,
  reward: LinearReward,
  zx: number,
  zy: number,
  t: number,
): number {
  const post = gmmPosterior(gmm, zx, zy, t);
  const { a, y, sigma } = reward;
  const a2 = a[0] * a[0] + a[1] * a[1];
  const terms = post.means.map(([mx, my], k) => {
    const q = sigma * sigma + a2 * post.stds[k] ** 2;
    const d = y - (a[0] * mx + a[1] * my);
    return Math.log(post.weights[k]) - 0.5 * Math.log(2 * Math.PI * q) - (d * d) / (2 * q);
  });
  const m = Math.max(...terms);
  return m + Math.log(terms.reduce((s, v) => s + Math.exp(v - m), 0));
}

/** grad_z V_t(z) by central differences of the closed form (float64, step 1e-5). */
export function valueGradient(
  gmm: GaussianMixture,
  reward: LinearReward,
  zx: number,
  zy: number,
  t: number,
): [number, number] {
  const h = 1e-5;
  const v = (x: number, y: number) => valueFunction(gmm, reward, x, y, t);
  return [(v(zx + h, zy) - v(zx - h, zy)) / (2 * h), (v(zx, zy + h) - v(zx, zy - h)) / (2 * h)];
}
