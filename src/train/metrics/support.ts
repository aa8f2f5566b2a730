/**
 * Off-support fraction: the share of samples where the data density is exactly zero (or that are not
 * finite). For a dataset with a hard support (the checkerboard's dark squares) it is 0 for data at any
 * sample size, so it measures a model's leak between the squares with only binomial noise
 * (sd sqrt(f (1 - f) / n)), where the distances' data-vs-data floors spread far wider.
 */
import { rowCount } from './samples.ts';

export function offSupportFraction(
  inSupport: (x: number, y: number) => boolean,
  points: ArrayLike<number>,
): number {
  const n = rowCount(points);
  let off = 0;
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (!(Number.isFinite(x) && Number.isFinite(y) && inSupport(x, y))) off++;
  }
  return off / n;
}
