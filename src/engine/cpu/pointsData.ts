/**
 * A dataset of user points (drawn on the canvas or loaded from a CSV): sample i is point k of the set,
 * k uniform over the N points, plus isotropic Gaussian jitter of std `jitter`. Float64 reference; the
 * WGSL twin is shaders/samplePoints.wgsl.
 *
 *   bits = philox4x32_10((i, step, stream, 0), (seed, 0)); m = bits0 >>> 9 (23 bits); k = floor(m N / 2^23)
 *   x_i = p_k + jitter * boxMuller(u1, u2)
 *
 * The choice is exact integer arithmetic on both sides (the GPU splits m N into two products that fit
 * in u32), so both pick the same point for every sample. A point set is registered once under a name
 * derived from its content (`points:<hash>`); that name then flows through every layer as a dataset.
 */
import { bitsToUniform, philox4x32_10 } from './philox.ts';

/** The largest point set (the CSV row limit): N < 2^17 keeps the GPU's split product exact. */
export const MAX_POINTS = 100_000;
export const POINTS_PREFIX = 'points:';

export interface PointsDataset {
  name: string;
  /** [n, 2] row-major, float32 (what the GPU reads; the CPU twin reads the same rounded values). */
  xy: Float32Array;
  jitter: number;
  /** Half-width of the origin-centred square holding every point plus 4 jitter stds and a margin. */
  box: number;
}

export class PointsDatasetError extends Error {
  override name = 'PointsDatasetError';
}

const registry = new Map<string, PointsDataset>();

/** FNV-1a over the bytes of the points and the jitter: equal content, equal name. */
function contentHash(xy: Float32Array, jitter: number): string {
  let h = 0x811c9dc5;
  const mix = (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  };
  mix(new Uint8Array(xy.buffer, xy.byteOffset, xy.byteLength));
  mix(new Uint8Array(Float64Array.of(jitter).buffer));
  return h.toString(16).padStart(8, '0');
}

/**
 * Registers a point set ([n, 2] row-major) with Gaussian jitter `jitter` and returns its dataset name.
 * Throws PointsDatasetError for an empty or oversized set, an odd length, or non-finite values.
 */
export function definePointsDataset(xy: ArrayLike<number>, jitter: number): string {
  if (xy.length % 2 !== 0) throw new PointsDatasetError('points: give x, y pairs (an even number of values)');
  const n = xy.length / 2;
  if (n < 1 || n > MAX_POINTS)
    throw new PointsDatasetError(`points: ${n} points; give between 1 and ${MAX_POINTS}`);
  if (!(jitter >= 0 && Number.isFinite(jitter)))
    throw new PointsDatasetError(`points: jitter ${jitter}; give a finite number >= 0`);
  const f32 = Float32Array.from(xy);
  let extent = 0;
  for (let i = 0; i < f32.length; i++) {
    if (!Number.isFinite(f32[i])) throw new PointsDatasetError(`points: value ${i} is not a finite number`);
    extent = Math.max(extent, Math.abs(f32[i]));
  }
  const name = `${POINTS_PREFIX}${contentHash(f32, jitter)}`;
  if (!registry.has(name))
    registry.set(name, { name, xy: f32, jitter, box: Math.max(1, 1.05 * (extent + 4 * jitter)) });
  return name;
}

export const isPointsName = (name: string): boolean => registry.has(name);

/** The registered set of `name`, or undefined. */
export const pointsDataset = (name: string): PointsDataset | undefined => registry.get(name);

/** floor(m n / 2^23) for the 23-bit m of `bits`: which point (exact in doubles for n < 2^30). */
export const choosePoint = (bits: number, n: number): number => Math.floor(((bits >>> 9) * n) / 8388608);

/** `n` samples of the registered set `name`, [n, 2] float64, for (seed, stream, step) as every dataset. */
export function samplePointsCpu(
  name: string,
  n: number,
  seed: number,
  stream: number,
  step: number,
): Float64Array {
  const set = registry.get(name);
  if (!set) throw new PointsDatasetError(`points dataset "${name}" is not defined in this process`);
  const count = set.xy.length / 2;
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const b = philox4x32_10([i, step, stream, 0], [seed, 0]);
    const k = choosePoint(b[0], count);
    const r = Math.sqrt(-2 * Math.log(bitsToUniform(b[1])));
    const a = 2 * Math.PI * bitsToUniform(b[2]);
    out[2 * i] = set.xy[2 * k] + set.jitter * r * Math.cos(a);
    out[2 * i + 1] = set.xy[2 * k + 1] + set.jitter * r * Math.sin(a);
  }
  return out;
}
