/**
 * The exact marginal velocity of the linear path for a Gaussian-mixture data distribution, as a graph:
 * an "analytic teacher" that runs on the GPU inside a training step (float64 twin: src/data/linearPath.ts).
 *
 *   u(z, t) = sum_k pi_k(z, t) [ -mu_k + (t - a s_k^2) / V_k (z - a mu_k) ],   a = 1 - t,
 *   V_k = a^2 s_k^2 + t^2,  pi_k = softmax_k( l_k ),  l_k = log w_k - log V_k - |z - a mu_k|^2 / (2 V_k).
 *
 * The K components are unrolled into [B, 1] columns with scalar constants, and the softmax subtracts
 * max_k l_k (elementwise `maximum`), so it stays finite far from every mode. Unrolled, the graph fuses
 * into one elementwise kernel whose size grows linearly with K (a [B, K] form with a reduction over K
 * re-evaluates each reduction per use inside the fused kernel). Terms that cancel in the softmax (equal
 * weights, equal stds) are left out.
 */
import {
  add,
  concat,
  div,
  exp,
  log,
  maximum,
  mul,
  slice,
  square,
  sub,
  type Tensor,
} from '../autodiff/index.ts';
import type { GaussianMixture } from '../data/gmm.ts';

export class GmmGraphShapeError extends Error {
  override name = 'GmmGraphShapeError';
}

const allEqual = (xs: readonly number[]) => xs.every((x) => x === xs[0]);
const total = (xs: Tensor[]) => xs.reduce((s, x) => add(s, x));

/** u(z, t) for z [B, 2] and t [B, 1]; returns [B, 2]. */
export function gmmVelocityGraph(gmm: GaussianMixture, z: Tensor, t: Tensor): Tensor {
  const b = z.shape[0];
  if (z.rank !== 2 || z.shape[1] !== 2 || t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== 1) {
    throw new GmmGraphShapeError(
      `gmmVelocityGraph needs z [B, 2] and t [B, 1], got z [${z.shape}] and t [${t.shape}]`,
    );
  }
  const zx = slice(z, 1, 0, 1);
  const zy = slice(z, 1, 1, 1);
  const a = sub(1, t);
  const a2 = square(a);
  const t2 = square(t);
  const sameStd = allEqual(gmm.stds);
  const sameWeight = allEqual(gmm.weights);
  const parts = gmm.means.map(([mx, my], k) => {
    const s2 = gmm.stds[k] ** 2;
    const v = add(mul(a2, s2), t2); // V_k, [B, 1]
    const dx = sub(zx, mul(a, mx)); // z - a mu_k
    const dy = sub(zy, mul(a, my));
    let logit = div(add(square(dx), square(dy)), mul(v, -2));
    if (!sameStd) logit = sub(logit, log(v));
    if (!sameWeight) logit = add(logit, Math.log(gmm.weights[k]));
    const coef = div(sub(t, mul(a, s2)), v);
    return { logit, ux: sub(mul(coef, dx), mx), uy: sub(mul(coef, dy), my) };
  });
  const m = parts.map((p) => p.logit).reduce((x, y) => maximum(x, y));
  const p = parts.map((q) => exp(sub(q.logit, m)));
  const norm = total(p);
  const ux = div(total(parts.map((q, k) => mul(p[k], q.ux))), norm);
  const uy = div(total(parts.map((q, k) => mul(p[k], q.uy))), norm);
  return concat([ux, uy], 1);
}
