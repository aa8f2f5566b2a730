/**
 * AdamW (Loshchilov and Hutter; torch.optim.AdamW) with bias correction and optional global
 * gradient-norm clipping, in float64. `step` is the 1-based step count t. Per element:
 *   g <- g * min(1, clipNorm / (||g||_2 + 1e-6))   (||g|| over ALL parameters; skipped when clipNorm = 0)
 *   p <- p (1 - lr wd)
 *   m <- b1 m + (1 - b1) g,  v <- b2 v + (1 - b2) g^2
 *   p <- p - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * where lr is the scheduled rate of step t (scheduledLr: constant, or cosine decay over decaySteps updates).
 */
import type { AdamParams } from '../prims.ts';

/** The learning rate of the update with 1-based step t (see AdamParams.decaySteps). */
export function scheduledLr(h: AdamParams, t: number): number {
  const T = h.decaySteps ?? 0;
  if (T <= 0) return h.lr;
  return (h.lr * (1 + Math.cos((Math.PI * Math.min(Math.max(t - 1, 0), T)) / T))) / 2;
}

export function adamCpu(
  ps: Float64Array[],
  gs: Float64Array[],
  ms: Float64Array[],
  vs: Float64Array[],
  step: number,
  h: AdamParams,
): { p: Float64Array[]; m: Float64Array[]; v: Float64Array[] } {
  let clip = 1;
  if (h.clipNorm > 0) {
    let sq = 0;
    for (const g of gs) for (const x of g) sq += x * x;
    clip = Math.min(1, h.clipNorm / (Math.sqrt(sq) + 1e-6));
  }
  const bc1 = 1 - h.beta1 ** step;
  const bc2 = 1 - h.beta2 ** step;
  const lr = scheduledLr(h, step);
  const out = { p: [] as Float64Array[], m: [] as Float64Array[], v: [] as Float64Array[] };
  ps.forEach((p0, j) => {
    const p = new Float64Array(p0.length);
    const m = new Float64Array(p0.length);
    const v = new Float64Array(p0.length);
    for (let i = 0; i < p0.length; i++) {
      const g = gs[j][i] * clip;
      m[i] = h.beta1 * ms[j][i] + (1 - h.beta1) * g;
      v[i] = h.beta2 * vs[j][i] + (1 - h.beta2) * g * g;
      const decayed = p0[i] * (1 - lr * h.weightDecay);
      p[i] = decayed - (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + h.eps);
    }
    out.p.push(p);
    out.m.push(m);
    out.v.push(v);
  });
  return out;
}
