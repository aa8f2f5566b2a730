/** Float64 reference of shaders/adam.wgsl and shaders/ema.wgsl (in place on the arrays). */
import type { AdamHyper } from '../kernels/adam.ts';

export interface AdamCpuArgs {
  p: Float64Array;
  g: Float64Array;
  m: Float64Array;
  v: Float64Array;
  n: number;
  step: Float64Array;
  hyper: AdamHyper;
}

export function adamCpu({ p, g, m, v, n, step, hyper }: AdamCpuArgs): void {
  const { lr, beta1, beta2, eps, weightDecay, clipNorm } = hyper;
  const t = step[0];
  let scale = 1;
  if (clipNorm > 0) {
    let sq = 0;
    for (let i = 0; i < n; i++) sq += g[i] * g[i];
    scale = Math.min(1, clipNorm / (Math.sqrt(sq) + 1e-6));
  }
  const bc1 = 1 - beta1 ** t;
  const bc2 = 1 - beta2 ** t;
  for (let i = 0; i < n; i++) {
    const grad = g[i] * scale;
    m[i] = beta1 * m[i] + (1 - beta1) * grad;
    v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
    p[i] = p[i] * (1 - lr * weightDecay) - (lr / bc1) * (m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps));
  }
}

export function emaCpu({
  p,
  pEma,
  n,
  decay,
}: {
  p: Float64Array;
  pEma: Float64Array;
  n: number;
  decay: number;
}): void {
  for (let i = 0; i < n; i++) pEma[i] = decay * pEma[i] + (1 - decay) * p[i];
}
