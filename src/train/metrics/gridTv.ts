/**
 * Grid-histogram total variation: both sample sets binned on a bins x bins grid over [-box, box]^2
 * plus one bin for all mass outside it; TV = 1/2 sum |p_i - q_i| in [0, 1]. It sees sharp edges
 * (a blurred checkerboard scores badly) that moment-based metrics miss.
 */
import { rowCount } from './samples.ts';

export interface GridOptions {
  /** Half-width of the square. */
  box: number;
  /** Bins per axis. */
  bins: number;
}

export const DEFAULT_GRID: GridOptions = { box: 4.5, bins: 64 };

/** Normalised histogram: bins*bins cells (row = y index) then one outside cell. NaN rows count as outside. */
export function histogram2d(x: ArrayLike<number>, { box, bins }: GridOptions): Float64Array {
  const n = rowCount(x);
  const h = new Float64Array(bins * bins + 1);
  const scale = bins / (2 * box);
  for (let i = 0; i < n; i++) {
    const ix = Math.floor((x[2 * i] + box) * scale);
    const iy = Math.floor((x[2 * i + 1] + box) * scale);
    if (ix >= 0 && ix < bins && iy >= 0 && iy < bins) h[iy * bins + ix] += 1;
    else h[bins * bins] += 1;
  }
  for (let j = 0; j < h.length; j++) h[j] /= n;
  return h;
}

export function gridTotalVariation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  grid: GridOptions = DEFAULT_GRID,
): number {
  const p = histogram2d(a, grid);
  const q = histogram2d(b, grid);
  let s = 0;
  for (let j = 0; j < p.length; j++) s += Math.abs(p[j] - q[j]);
  return s / 2;
}
