/**
 * Pairwise (O(n^2)) distances between sample sets, on at most `maxN` rows of each (an even-stride
 * subset): energy distance (Szekely) and MMD^2 with a sum of RBF kernels (Gretton et al.), both as
 * unbiased U-statistics (i != j within a set), so their value between two sets of the same law is ~0.
 */
import { rowCount, sanitize, subsample } from './samples.ts';

export const DEFAULT_ENERGY_N = 4096;
export const DEFAULT_MMD_N = 2048;
/** RBF bandwidths (std of the kernel): fine scales catch sharp edges, coarse ones catch mass in the wrong place. */
export const DEFAULT_BANDWIDTHS: readonly number[] = [0.1, 0.25, 0.5, 1, 2];

/** Mean of f(|a_i - b_j|^2) over pairs; over i != j when `same`. */
function pairMean(a: Float64Array, b: Float64Array, same: boolean, f: (d2: number) => number): number {
  const na = a.length / 2;
  const nb = b.length / 2;
  let s = 0;
  for (let i = 0; i < na; i++) {
    const ax = a[2 * i];
    const ay = a[2 * i + 1];
    let row = 0;
    for (let j = same ? i + 1 : 0; j < nb; j++) {
      const dx = ax - b[2 * j];
      const dy = ay - b[2 * j + 1];
      row += f(dx * dx + dy * dy);
    }
    s += row;
  }
  return same ? s / ((na * (na - 1)) / 2) : s / (na * nb);
}

function prepare(a: ArrayLike<number>, b: ArrayLike<number>, maxN: number): [Float64Array, Float64Array] {
  rowCount(a, 'first set');
  rowCount(b, 'second set');
  const sa = subsample(sanitize(a), maxN);
  const sb = subsample(sanitize(b), maxN);
  if (sa.length < 4 || sb.length < 4)
    throw new RangeError('Pairwise metrics need at least 2 samples per set.');
  return [sa, sb];
}

/** Energy distance 2 E|X - Y| - E|X - X'| - E|Y - Y'| (0 iff same law). */
export function energyDistance(a: ArrayLike<number>, b: ArrayLike<number>, maxN = DEFAULT_ENERGY_N): number {
  const [x, y] = prepare(a, b, maxN);
  return (
    2 * pairMean(x, y, false, Math.sqrt) - pairMean(x, x, true, Math.sqrt) - pairMean(y, y, true, Math.sqrt)
  );
}

/** MMD^2 with k(d) = sum_s exp(-d^2 / (2 s^2)) / (number of bandwidths). */
export function mmdRbf(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  bandwidths: readonly number[] = DEFAULT_BANDWIDTHS,
  maxN = DEFAULT_MMD_N,
): number {
  const [x, y] = prepare(a, b, maxN);
  const g = bandwidths.map((s) => -1 / (2 * s * s));
  const w = 1 / bandwidths.length;
  const k = (d2: number) => {
    let v = 0;
    for (const c of g) v += Math.exp(c * d2);
    return v * w;
  };
  return pairMean(x, x, true, k) + pairMean(y, y, true, k) - 2 * pairMean(x, y, false, k);
}
