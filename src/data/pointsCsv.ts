/**
 * A CSV of 2-D points as a dataset: one `x,y` pair per line, an optional header line (any two
 * non-numeric names), blank lines and `#` comments skipped, at most MAX_POINTS rows. A bad line is named
 * by its number. Points outside the canvas square [-FIT, FIT]^2 are centred and scaled (one factor for
 * both axes) to fit [-TARGET, TARGET]^2, the scale the networks and the built-in datasets share.
 */
import { MAX_POINTS } from '../engine/cpu/pointsData.ts';

export const FIT = 4.5;
export const TARGET = 4;

export class PointsCsvError extends Error {
  override name = 'PointsCsvError';
}

export interface PointsCsv {
  /** [n, 2] row-major, after any rescale. */
  xy: Float64Array;
  rows: number;
  header: string[] | null;
  /** x' = (x - centre) * scale when the points were rescaled to fit the canvas; null when kept as given. */
  rescale: { centre: [number, number]; scale: number } | null;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses CSV text; throws PointsCsvError naming the first bad line and what a good one looks like. */
export function parsePointsCsv(text: string): PointsCsv {
  const lines = text.split(/\r\n|\n|\r/);
  const values: number[] = [];
  let header: string[] | null = null;
  let seenData = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim());
    const where = `line ${i + 1} ("${line.length > 40 ? `${line.slice(0, 40)}...` : line}")`;
    if (cells.length !== 2)
      throw new PointsCsvError(
        `${where} has ${cells.length} column${cells.length === 1 ? '' : 's'}; each line must be two numbers x,y (e.g. 0.5,-1.25).`,
      );
    const numeric = cells.map((c) => NUMBER.test(c));
    if (!seenData && header === null && !numeric[0] && !numeric[1]) {
      header = cells;
      continue;
    }
    if (!numeric[0] || !numeric[1])
      throw new PointsCsvError(
        `${where}: "${numeric[0] ? cells[1] : cells[0]}" is not a number; each line must be two numbers x,y (only the first line may be a header).`,
      );
    seenData = true;
    if (values.length / 2 >= MAX_POINTS)
      throw new PointsCsvError(
        `${where}: more than ${MAX_POINTS} points; keep at most ${MAX_POINTS} rows (subsample the file).`,
      );
    const x = Number(cells[0]);
    const y = Number(cells[1]);
    if (!Number.isFinite(x) || !Number.isFinite(y))
      throw new PointsCsvError(`${where}: the value is too large for a finite number.`);
    values.push(x, y);
  }
  if (values.length === 0)
    throw new PointsCsvError(
      'The file has no points: give one x,y pair per line (a header line is optional).',
    );
  const xy = Float64Array.from(values);
  return { xy, rows: xy.length / 2, header, rescale: fitToCanvas(xy) };
}

/** Rescales `xy` in place when it leaves [-FIT, FIT]^2; returns the transform, or null when none was needed. */
export function fitToCanvas(xy: Float64Array): PointsCsv['rescale'] {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < xy.length; i++) {
    lo[i % 2] = Math.min(lo[i % 2], xy[i]);
    hi[i % 2] = Math.max(hi[i % 2], xy[i]);
  }
  if (Math.max(-lo[0], -lo[1], hi[0], hi[1]) <= FIT) return null;
  const centre: [number, number] = [(lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2];
  const half = Math.max(hi[0] - lo[0], hi[1] - lo[1]) / 2;
  const scale = half > 0 ? TARGET / half : 1;
  for (let i = 0; i < xy.length; i++) xy[i] = (xy[i] - centre[i % 2]) * scale;
  return { centre, scale };
}

/** Points as CSV text with a header, float32 precision in the shortest form (what a download offers). */
export function pointsToCsv(xy: ArrayLike<number>): string {
  const out = ['x,y'];
  for (let i = 0; i + 1 < xy.length; i += 2) out.push(`${shortF32(xy[i])},${shortF32(xy[i + 1])}`);
  return `${out.join('\n')}\n`;
}

/** The shortest decimal text that reads back to the same float32. */
function shortF32(v: number): string {
  const f = Math.fround(v);
  for (let p = 1; p < 10; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}
