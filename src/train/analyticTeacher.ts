/**
 * The exact marginal velocity of the linear path for Gaussian-mixture data, as a graph: the "analytic
 * teacher" that isolates distillation error from teacher error (methods.md). Vectorised over the K
 * components (src/data/linearPath.ts has the float64 formulas, one point at a time):
 *   a = 1 - t,  V_k = a^2 s_k^2 + t^2,  |z - a mu_k|^2 = |z|^2 - 2 a z.mu_k + a^2 |mu_k|^2
 *   pi_k = softmax_k( log w_k - log(2 pi V_k) - |z - a mu_k|^2 / (2 V_k) )
 *   u(z, t) = sum_k pi_k ( -mu_k + c_k (z - a mu_k) ),  c_k = (t - a s_k^2) / V_k
 *           = -pi M + (sum_k pi_k c_k) z - a (pi * c) M          (M: the [K, 2] means)
 * The mixture's constants are graph inputs (fed once by the trainer): gradients flow through z and t.
 */
import {
  add,
  div,
  exp,
  input,
  log,
  matmul,
  max,
  mul,
  slice,
  square,
  stopGradient,
  sub,
  sum,
  type Tensor,
} from '../autodiff/index.ts';
import { classMixture, datasetMixture, mixtureClasses, type GaussianMixture } from '../data/index.ts';
import { TeacherUnavailableError } from './errors.ts';

export const ANALYTIC_PREFIX = 'analytic.';

export interface AnalyticTeacher {
  /** u(z, t): z [B, 2], t [B, 1] -> [B, 2]. */
  velocity(z: Tensor, t: Tensor): Tensor;
  /** Host values of the mixture's constant inputs. */
  feeds: Record<string, Float64Array>;
  /**
   * With a labelling: the exact class-conditional field u(z, t | c) = sum_k c_k u_k(z, t) +
   * (1 - sum_k c_k) u(z, t), u_k the velocity of class k's mixture; c [B, K] one-hot or the null class 0.
   */
  conditional?: (z: Tensor, t: Tensor, c: Tensor) => Tensor;
}

export { datasetMixture };

export function analyticTeacherFor(dataset: string, labelling?: string): AnalyticTeacher {
  const gmm = datasetMixture(dataset);
  if (!gmm) {
    throw new TeacherUnavailableError(
      `The analytic teacher exists only for Gaussian-mixture data (8gaussians, gmm3); '${dataset}' has no closed-form velocity. ` +
        'Set teacher.source to "train" to train a Flow Matching teacher first.',
    );
  }
  if (labelling === undefined) return analyticTeacher(gmm);
  const classes = mixtureClasses(dataset, labelling);
  if (!classes)
    throw new TeacherUnavailableError(
      `The analytic teacher has no class-conditional field for labelling '${labelling}' of '${dataset}'. Use 'modes' or 'groups'.`,
    );
  return conditionalAnalyticTeacher(gmm, classes);
}

/** The analytic teacher with the exact class-conditional field of each class's mixture. */
export function conditionalAnalyticTeacher(
  gmm: GaussianMixture,
  classes: readonly number[],
): AnalyticTeacher {
  const base = analyticTeacher(gmm);
  const k = Math.max(...classes) + 1;
  const perClass = Array.from({ length: k }, (_, c) =>
    analyticTeacher(classMixture(gmm, classes, c), `${ANALYTIC_PREFIX}class${c}.`),
  );
  const feeds = Object.assign({}, base.feeds, ...perClass.map((p) => p.feeds)) as Record<
    string,
    Float64Array
  >;
  const conditional = (z: Tensor, t: Tensor, c: Tensor): Tensor => {
    const u = base.velocity(z, t);
    let out = mul(u, sub(1, sum(c, [1], true)));
    perClass.forEach((p, j) => (out = add(out, mul(p.velocity(z, t), slice(c, 1, j, 1)))));
    return out;
  };
  return { velocity: base.velocity, feeds, conditional };
}

export function analyticTeacher(gmm: GaussianMixture, prefix = ANALYTIC_PREFIX): AnalyticTeacher {
  const k = gmm.means.length;
  const feeds: Record<string, Float64Array> = {
    [`${prefix}means`]: Float64Array.from(gmm.means.flat()),
    [`${prefix}s2`]: Float64Array.from(gmm.stds, (s) => s * s),
    [`${prefix}logw`]: Float64Array.from(gmm.weights, (w) => Math.log(w)),
    [`${prefix}mu2`]: Float64Array.from(gmm.means, ([x, y]) => x * x + y * y),
  };
  const means = input(`${prefix}means`, [k, 2]);
  const s2 = input(`${prefix}s2`, [1, k]);
  const logw = input(`${prefix}logw`, [1, k]);
  const mu2 = input(`${prefix}mu2`, [1, k]);

  const velocity = (z: Tensor, t: Tensor): Tensor => {
    const a = sub(1, t);
    const a2 = square(a);
    const v = add(mul(a2, s2), square(t)); // [B, K]
    const zmu = matmul(z, means, { transB: true }); // [B, K]
    const z2 = sum(square(z), [1], true); // [B, 1]
    const d2 = add(sub(z2, mul(mul(a, 2), zmu)), mul(a2, mu2));
    const logits = sub(sub(logw, log(mul(v, 2 * Math.PI))), div(d2, mul(v, 2)));
    const shifted = sub(logits, stopGradient(max(logits, [1], true)));
    const e = exp(shifted);
    const pi = div(e, sum(e, [1], true)); // posterior weights [B, K]
    const c = div(sub(t, mul(a, s2)), v); // [B, K]
    const pic = mul(pi, c);
    const mean = matmul(pi, means); // [B, 2]
    return sub(add(mul(sum(pic, [1], true), z), mul(-1, mean)), mul(a, matmul(pic, means)));
  };
  return { velocity, feeds };
}
