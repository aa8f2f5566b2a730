/** Shared helpers for sample sets: [n, 2] row-major Float64Array. */

export class SampleShapeError extends Error {
  override name = 'SampleShapeError';
  constructor(detail: string) {
    super(`Samples must be a non-empty row-major [n, 2] array: ${detail}.`);
  }
}

/** Rows of an [n, 2] array, or SampleShapeError. */
export function rowCount(x: ArrayLike<number>, what = 'samples'): number {
  if (x.length === 0 || x.length % 2 !== 0) throw new SampleShapeError(`${what} has length ${x.length}`);
  return x.length / 2;
}

/** The value a diverged coordinate (NaN or beyond +-FAR) is replaced with: far outside every box. */
export const FAR = 1e6;

/** A copy with non-finite coordinates mapped to FAR (a diverged sample counts as very far away, never as NaN). */
export function sanitize(x: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    out[i] = Number.isNaN(v) ? FAR : Math.max(-FAR, Math.min(FAR, v));
  }
  return out;
}

/** At most `m` rows taken with an even stride (samples are i.i.d., so any fixed subset is a fair one). */
export function subsample(x: Float64Array, m: number): Float64Array {
  const n = x.length / 2;
  if (n <= m) return x;
  const out = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    const j = Math.floor((i * n) / m);
    out[2 * i] = x[2 * j];
    out[2 * i + 1] = x[2 * j + 1];
  }
  return out;
}

/** Number of non-finite rows. */
export function nonFiniteRows(x: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < x.length; i += 2) if (!Number.isFinite(x[i]) || !Number.isFinite(x[i + 1])) c++;
  return c;
}
