/**
 * GLASS (arXiv 2509.25170) as Meta Flow Maps use it, float64 reference, in the project's convention
 * (t = 0 data, t = 1 noise). Given x_t = (1 - t) x_0 + t e, the auxiliary path of the posterior is
 * I_a = (1 - a) x_0 + a e' with fresh e' (aux time a: 1 noise, 0 a posterior sample). x_t and I_a are
 * two independent Gaussian observations of x_0:
 *   x_t / (1 - t) = x_0 + (t / (1 - t)) e,     I_a / (1 - a) = x_0 + (a / (1 - a)) e'.
 * Precision weighting gives ONE observation m = x_0 + n / sqrt(P), P = ((1-t)/t)^2 + ((1-a)/a)^2, which
 * is a point y = (1 - tau) m of the linear path at the effective time tau = 1 / (1 + sqrt P). So
 * E[x_0 | x_t, I_a] = D(y, tau) = y - tau u(y, tau) with the teacher's velocity u, and the auxiliary
 * velocity b = E[e' - x_0 | ...] = (I_a - D) / a. Without divisions by t or a (r = sqrt(den)):
 *   den = (1 - t)^2 a^2 + (1 - a)^2 t^2,   q = t a + r,   tau = t a / q,
 *   y   = [(1 - t) a^2 x_t + (1 - a) t^2 I_a] / (r q),
 *   b   = c_I I_a - c_x x_t + (t / q) u(y, tau),
 *   c_I = [r t + (1 - t)^2 a - (1 - a) t^2] / (r q),   c_x = (1 - t) a / (r q).
 * Checks: t = 1 (x_t is noise) gives tau = a, y = I_a, b = u(I_a, a): the unconditional teacher.
 * den is clamped at GLASS_DEN_EPS (the official code's 1e-6); it vanishes only at (t, a) = (0, 0) and (1, 1).
 */
export const GLASS_DEN_EPS = 1e-6;

export interface GlassCoefficients {
  tau: number;
  /** y = yx x_t + yI I_a. */
  yx: number;
  yI: number;
  /** b = cI I_a - cx x_t + cu u(y, tau). */
  cI: number;
  cx: number;
  cu: number;
}

export function glassCoefficients(t: number, a: number): GlassCoefficients {
  const den = Math.max((1 - t) ** 2 * a * a + (1 - a) ** 2 * t * t, GLASS_DEN_EPS);
  const r = Math.sqrt(den);
  const q = t * a + r;
  const rq = r * q;
  return {
    tau: (t * a) / q,
    yx: ((1 - t) * a * a) / rq,
    yI: ((1 - a) * t * t) / rq,
    cI: (r * t + (1 - t) ** 2 * a - (1 - a) * t * t) / rq,
    cx: ((1 - t) * a) / rq,
    cu: t / q,
  };
}

export type PointVelocity = (x: number, y: number, t: number) => [number, number];

/** The GLASS auxiliary velocity b(I, a; x_t, t) from a teacher velocity u at one point. */
export function glassVelocityAt(
  u: PointVelocity,
  ix: number,
  iy: number,
  a: number,
  xtx: number,
  xty: number,
  t: number,
): [number, number] {
  const c = glassCoefficients(t, a);
  const [ux, uy] = u(c.yx * xtx + c.yI * ix, c.yx * xty + c.yI * iy, c.tau);
  return [c.cI * ix - c.cx * xtx + c.cu * ux, c.cI * iy - c.cx * xty + c.cu * uy];
}
