/**
 * The exact marginal velocity of the linear path for a Gaussian-mixture data distribution, as a graph:
 * an "analytic teacher" that runs on the GPU inside a training step (float64 twin: src/data/linearPath.ts).
 *
 *   u(z, t) = sum_k pi_k(z, t) [ -mu_k + (t - a s_k^2) / V_k (z - a mu_k) ],   a = 1 - t,
 *   V_k = a^2 s_k^2 + t^2,  pi_k = softmax_k( log w_k - log V_k - |z - a mu_k|^2 / (2 V_k) ).
 *
 * Components are a [1, K] row of constants broadcast against the batch; the softmax subtracts the row
 * maximum (ops.max), so it stays finite far from every mode. Equal weights or equal stds drop the
 * terms that cancel in the softmax.
 */
import {
  add,
  concat,
  constant,
  div,
  exp,
  log,
  max,
  mul,
  neg,
  reshape,
  slice,
  square,
  sub,
  sum,
  type Tensor,
} from '../autodiff/index.ts';
import type { GaussianMixture } from '../data/gmm.ts';

export class GmmGraphShapeError extends Error {
  override name = 'GmmGraphShapeError';
}

/** A [1, K] row of constants, or a scalar constant when every value is the same. */
function row(values: readonly number[]): Tensor {
  if (values.every((v) => v === values[0])) return constant(values[0]);
  return concat(
    values.map((v) => reshape(constant(v), [1, 1])),
    1,
  );
}

const allEqual = (xs: readonly number[]) => xs.every((x) => x === xs[0]);

/** u(z, t) for z [B, 2] and t [B, 1]; returns [B, 2]. */
export function gmmVelocityGraph(gmm: GaussianMixture, z: Tensor, t: Tensor): Tensor {
  const b = z.shape[0];
  if (z.rank !== 2 || z.shape[1] !== 2 || t.rank !== 2 || t.shape[0] !== b || t.shape[1] !== 1) {
    throw new GmmGraphShapeError(
      `gmmVelocityGraph needs z [B, 2] and t [B, 1], got z [${z.shape}] and t [${t.shape}]`,
    );
  }
  const mx = row(gmm.means.map((m) => m[0]));
  const my = row(gmm.means.map((m) => m[1]));
  const s2 = row(gmm.stds.map((s) => s * s));
  const zx = slice(z, 1, 0, 1);
  const zy = slice(z, 1, 1, 1);
  const a = sub(1, t);
  const v = add(mul(square(a), s2), square(t)); // [B, 1] or [B, K]
  const dx = sub(zx, mul(a, mx)); // z - a mu_k, [B, K]
  const dy = sub(zy, mul(a, my));
  let logits = neg(div(add(square(dx), square(dy)), mul(v, 2)));
  if (!allEqual(gmm.stds)) logits = sub(logits, log(v));
  if (!allEqual(gmm.weights)) logits = add(logits, row(gmm.weights.map(Math.log)));
  const p = exp(sub(logits, max(logits, [1], true)));
  const pi = div(p, sum(p, [1], true));
  const coef = div(sub(t, mul(a, s2)), v);
  const ux = sum(mul(pi, sub(mul(coef, dx), mx)), [1], true);
  const uy = sum(mul(pi, sub(mul(coef, dy), my)), [1], true);
  return concat([ux, uy], 1);
}
