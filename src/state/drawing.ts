/**
 * Drawing a dataset on the canvas: a stroke of the brush scatters points uniformly in a disk of the brush's
 * radius along the pointer's path (spaced a third of the radius apart, so a slow and a fast stroke give the
 * same density); the eraser removes every point within its radius. Points are in data units and rounded
 * to the link's grid (src/state/datasetUrl.ts), so the drawn set and the one a link reopens are equal.
 */
import { MAX_POINTS } from '../engine/cpu/pointsData.ts';
import { QUANTUM } from './datasetUrl.ts';

export type DrawMode = 'off' | 'draw' | 'erase';

/** Points each brush dab adds. */
export const POINTS_PER_DAB = 4;

const round = (v: number) => Math.round(v * QUANTUM) / QUANTUM;

/**
 * Points of a brush segment from `from` to `to` (data units), radius `radius`, appended to `xy` (flat pairs);
 * `random` in [0, 1). Returns the point the next segment continues from (the last dab's centre), so that
 * spacing carries over between pointer events. Stops at MAX_POINTS.
 */
export function brushSegment(
  xy: number[],
  from: [number, number],
  to: [number, number],
  radius: number,
  random: () => number = Math.random,
): [number, number] {
  const spacing = Math.max(radius / 3, 1e-3);
  const dx = to[0] - from[0];
  const dy = to[1] - from[1];
  const dabs = Math.floor(Math.hypot(dx, dy) / spacing);
  let last = from;
  for (let k = 1; k <= dabs; k++) {
    const c: [number, number] = [
      from[0] + (dx * k * spacing) / Math.hypot(dx, dy),
      from[1] + (dy * k * spacing) / Math.hypot(dx, dy),
    ];
    dab(xy, c, radius, random);
    last = c;
  }
  return last;
}

/** POINTS_PER_DAB points uniform in the disk of `radius` about `c` (one tap of the brush). */
export function dab(
  xy: number[],
  c: [number, number],
  radius: number,
  random: () => number = Math.random,
): void {
  for (let j = 0; j < POINTS_PER_DAB && xy.length / 2 < MAX_POINTS; j++) {
    const r = radius * Math.sqrt(random());
    const a = 2 * Math.PI * random();
    xy.push(round(c[0] + r * Math.cos(a)), round(c[1] + r * Math.sin(a)));
  }
}

/** `xy` without the points within `radius` of `c` (a new array; order kept). */
export function erase(xy: readonly number[], c: [number, number], radius: number): number[] {
  const out: number[] = [];
  const r2 = radius * radius;
  for (let i = 0; i + 1 < xy.length; i += 2)
    if ((xy[i] - c[0]) ** 2 + (xy[i + 1] - c[1]) ** 2 > r2) out.push(xy[i], xy[i + 1]);
  return out;
}
