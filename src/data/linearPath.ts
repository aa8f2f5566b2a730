/**
 * Exact quantities of the linear path for a Gaussian-mixture data distribution, in the project's
 * convention: t = 0 data, t = 1 noise N(0, I), z_t = (1 - t) x + t e, conditional velocity e - x.
 *
 * For component k (x ~ N(mu_k, s_k^2 I)), with a = 1 - t and V_k = a^2 s_k^2 + t^2:
 *   z_t | k       ~ N(a mu_k, V_k I)
 *   x | z_t, k    ~ N(mu_k + a s_k^2 / V_k (z - a mu_k),  s_k^2 t^2 / V_k I)
 *   E[e - x | z, k] = -mu_k + (t - a s_k^2) / V_k (z - a mu_k)
 * and the marginal quantities mix these with the posterior weights
 *   pi_k(z, t) = w_k N(z; a mu_k, V_k I) / sum_j w_j N(z; a mu_j, V_j I)   (log-sum-exp).
 * The marginal velocity u(z, t) = E[e - x | z_t = z] is the minimiser of the flow-matching loss.
 */
import { classMixture, logNormal2, type GaussianMixture } from './gmm.ts';

/** Posterior component weights pi_k(z, t), computed stably. */
export function posteriorWeights(gmm: GaussianMixture, zx: number, zy: number, t: number): Float64Array {
  const a = 1 - t;
  const k = gmm.means.length;
  const logits = new Float64Array(k);
  let m = -Infinity;
  for (let j = 0; j < k; j++) {
    const v = a * a * gmm.stds[j] ** 2 + t * t;
    const [mx, my] = gmm.means[j];
    logits[j] = Math.log(gmm.weights[j]) + logNormal2(zx, zy, a * mx, a * my, v);
    if (logits[j] > m) m = logits[j];
  }
  let total = 0;
  for (let j = 0; j < k; j++) {
    logits[j] = Math.exp(logits[j] - m);
    total += logits[j];
  }
  for (let j = 0; j < k; j++) logits[j] /= total;
  return logits;
}

/** The exact marginal velocity u(z, t) = E[e - x | z_t = z] at one point. */
export function gmmVelocityAt(gmm: GaussianMixture, zx: number, zy: number, t: number): [number, number] {
  const pi = posteriorWeights(gmm, zx, zy, t);
  const a = 1 - t;
  let ux = 0;
  let uy = 0;
  for (let k = 0; k < pi.length; k++) {
    const s2 = gmm.stds[k] ** 2;
    const c = (t - a * s2) / (a * a * s2 + t * t);
    const [mx, my] = gmm.means[k];
    ux += pi[k] * (-mx + c * (zx - a * mx));
    uy += pi[k] * (-my + c * (zy - a * my));
  }
  return [ux, uy];
}

/** u(z, t) for a batch: z [n, 2] row-major, t one time or one per row. Returns [n, 2]. */
export function gmmVelocity(
  gmm: GaussianMixture,
  z: Float64Array,
  t: number | ArrayLike<number>,
): Float64Array {
  const n = z.length / 2;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const ti = typeof t === 'number' ? t : t[i];
    const [ux, uy] = gmmVelocityAt(gmm, z[2 * i], z[2 * i + 1], ti);
    out[2 * i] = ux;
    out[2 * i + 1] = uy;
  }
  return out;
}

/** The exact posterior p(x_0 | z_t = z): again an isotropic Gaussian mixture (stds are 0 at t = 0). */
export function gmmPosterior(gmm: GaussianMixture, zx: number, zy: number, t: number): GaussianMixture {
  const pi = posteriorWeights(gmm, zx, zy, t);
  const a = 1 - t;
  const means: [number, number][] = [];
  const stds: number[] = [];
  for (let k = 0; k < pi.length; k++) {
    const s2 = gmm.stds[k] ** 2;
    const v = a * a * s2 + t * t;
    const [mx, my] = gmm.means[k];
    const g = (a * s2) / v;
    means.push([mx + g * (zx - a * mx), my + g * (zy - a * my)]);
    stds.push(Math.sqrt((s2 * t * t) / v));
  }
  return { means, stds, weights: Array.from(pi) };
}

/** The exact denoiser E[x_0 | z_t = z] (equal to z - t u(z, t)). */
export function gmmDenoiser(gmm: GaussianMixture, zx: number, zy: number, t: number): [number, number] {
  const post = gmmPosterior(gmm, zx, zy, t);
  let x = 0;
  let y = 0;
  post.means.forEach(([mx, my], k) => {
    x += post.weights[k] * mx;
    y += post.weights[k] * my;
  });
  return [x, y];
}

/**
 * Classifier-free guidance with the exact fields: u_w(z, t | c) = u(z, t) + w (u(z, t | c) - u(z, t)),
 * u(z, t | c) the velocity of the class's mixture `classMixture(gmm, classes, c)` and u(z, t) the
 * unconditional one (the null class). w = 1 is the class-conditional field, w = 0 the unconditional.
 */
export function guidedVelocityAt(
  gmm: GaussianMixture,
  classes: readonly number[],
  c: number,
  w: number,
  zx: number,
  zy: number,
  t: number,
): [number, number] {
  const [ux, uy] = gmmVelocityAt(gmm, zx, zy, t);
  const [cx, cy] = gmmVelocityAt(classMixture(gmm, classes, c), zx, zy, t);
  return [ux + w * (cx - ux), uy + w * (cy - uy)];
}
