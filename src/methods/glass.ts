/**
 * GLASS auxiliary velocity (arXiv 2509.25170) as a graph, for Meta Flow Maps (float64 twin with the
 * derivation: src/data/glass.ts). Project convention: t = 0 data, t = 1 noise; the auxiliary path of the
 * posterior p(x_0 | x_t) is I_a = (1 - a) x_0 + a e' (a = 1 noise). x_t and I_a are two Gaussian
 * observations of x_0; their precision-weighted combination is one observation y at the effective time
 * tau, so E[x_0 | x_t, I_a] = y - tau u_T(y, tau) and
 *   b(I_a, a; t, x_t) = c_I I_a - c_x x_t + (t / q) u_T(y, tau)
 * with den = (1 - t)^2 a^2 + (1 - a)^2 t^2 (clamped at 1e-6), r = sqrt(den), q = t a + r, tau = t a / q,
 * y = [(1 - t) a^2 x_t + (1 - a) t^2 I_a] / (r q), c_I = [r t + (1 - t)^2 a - (1 - a) t^2] / (r q),
 * c_x = (1 - t) a / (r q). Every coefficient is a [B, 1] column (the noise is isotropic: the 2 x 2
 * precision algebra is a scalar per sample).
 */
import type { Tensor } from '../autodiff/graph.ts';
import { add, div, maximum, mul, sqrt, square, sub } from '../autodiff/ops.ts';
import type { VelocityFn } from './method.ts';

/** The clamp of den (the official code's 1e-6); the float64 twin in src/data/glass.ts uses the same. */
export const GLASS_DEN_EPS = 1e-6;

/** The GLASS velocity: I [B, d] at aux times a [B, 1], conditioned on x_t [B, d] at times t [B, 1]. */
export function glassVelocity(teacher: VelocityFn, I: Tensor, a: Tensor, xt: Tensor, t: Tensor): Tensor {
  const omt = sub(1, t);
  const oma = sub(1, a);
  const a2 = square(a);
  const t2 = square(t);
  const den = maximum(add(mul(square(omt), a2), mul(square(oma), t2)), GLASS_DEN_EPS);
  const r = sqrt(den);
  const q = add(mul(t, a), r);
  const rq = mul(r, q);
  const tau = div(mul(t, a), q);
  const y = div(add(mul(mul(omt, a2), xt), mul(mul(oma, t2), I)), rq);
  const cI = div(sub(add(mul(r, t), mul(square(omt), a)), mul(oma, t2)), rq);
  const cx = div(mul(omt, a), rq);
  return add(sub(mul(cI, I), mul(cx, xt)), mul(div(t, q), teacher(y, tau)));
}
