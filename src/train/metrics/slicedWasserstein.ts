/**
 * Sliced Wasserstein-2: the root mean square over L fixed directions of the 1-D W2 distance between
 * the projected sets, computed exactly between empirical measures (their quantile functions are step
 * functions; sizes may differ). Directions theta_l = pi (l + u) / L with u from Philox(seed): evenly
 * spread, the same for every call with the same seed, so numbers are comparable across runs.
 */
import { uniformAt } from '../../engine/cpu/philox.ts';
import { rowCount, sanitize } from './samples.ts';

export const DEFAULT_PROJECTIONS = 64;

function projectSorted(x: Float64Array, c: number, s: number): Float64Array {
  const n = x.length / 2;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = c * x[2 * i] + s * x[2 * i + 1];
  return p.sort();
}

/** W2^2 between two empirical 1-D measures given their sorted atoms (equal weights within each). */
export function wasserstein2Squared1d(a: Float64Array, b: Float64Array): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let q = 0;
  let s = 0;
  while (i < na && j < nb) {
    const qa = (i + 1) / na;
    const qb = (j + 1) / nb;
    const next = Math.min(qa, qb);
    s += (next - q) * (a[i] - b[j]) ** 2;
    q = next;
    if (qa <= next) i++;
    if (qb <= next) j++;
  }
  return s;
}

export function slicedWasserstein2(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  projections = DEFAULT_PROJECTIONS,
  seed = 0,
): number {
  rowCount(a, 'first set');
  rowCount(b, 'second set');
  const x = sanitize(a);
  const y = sanitize(b);
  const u = uniformAt(seed, 0x51ced, 0, 0);
  let s = 0;
  for (let l = 0; l < projections; l++) {
    const theta = (Math.PI * (l + u)) / projections; // half circle: theta and theta + pi give the same W2
    const c = Math.cos(theta);
    const sn = Math.sin(theta);
    s += wasserstein2Squared1d(projectSorted(x, c, sn), projectSorted(y, c, sn));
  }
  return Math.sqrt(s / projections);
}
