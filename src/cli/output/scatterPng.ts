/**
 * A PNG of sample sets side by side: one square panel per set (data, then the model at each NFE), points
 * blended onto a light background over the dataset's box, axes through the origin, a title above each.
 */
import { PNG } from 'pngjs';
import { rasterText, GLYPH_H, textWidth } from './font5x7.ts';

export interface ScatterPanel {
  title: string;
  /** [n, 2] row-major. */
  points: ArrayLike<number>;
  /** RGB of the points. */
  color?: [number, number, number];
}

export interface ScatterOptions {
  /** Half-width of the square shown: [-box, box]^2. */
  box: number;
  /** Panel side in pixels. */
  size?: number;
  /** Opacity of one point, 0..1 (overlapping points darken). */
  alpha?: number;
}

const BACKGROUND: [number, number, number] = [250, 250, 247];
const AXIS: [number, number, number] = [214, 214, 210];
const TEXT: [number, number, number] = [40, 40, 40];
export const DATA_COLOR: [number, number, number] = [30, 90, 200];
export const MODEL_COLOR: [number, number, number] = [210, 70, 30];

export function scatterPng(panels: readonly ScatterPanel[], opts: ScatterOptions): Buffer {
  const size = opts.size ?? 320;
  const pad = 8;
  const titleH = GLYPH_H * 2 + 8;
  const width = panels.length * (size + pad) + pad;
  const height = size + titleH + pad;
  const png = new PNG({ width, height });
  const px = png.data;
  const put = (x: number, y: number, c: readonly number[], a = 1) => {
    if (x < 0 || y < 0 || x >= width || y >= height) return;
    const o = 4 * (y * width + x);
    for (let k = 0; k < 3; k++) px[o + k] = Math.round(px[o + k] * (1 - a) + c[k] * a);
    px[o + 3] = 255;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, BACKGROUND);

  const alpha = opts.alpha ?? 0.35;
  panels.forEach((panel, p) => {
    const x0 = pad + p * (size + pad);
    const y0 = titleH;
    const scale = size / (2 * opts.box);
    for (let i = 0; i < size; i++) {
      put(x0 + i, y0 + size / 2, AXIS);
      put(x0 + size / 2, y0 + i, AXIS);
      for (const [x, y] of [
        [x0 + i, y0],
        [x0 + i, y0 + size - 1],
        [x0, y0 + i],
        [x0 + size - 1, y0 + i],
      ])
        put(x, y, AXIS);
    }
    const color = panel.color ?? MODEL_COLOR;
    const pts = panel.points;
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const sx = Math.floor(x0 + (pts[i] + opts.box) * scale);
      const sy = Math.floor(y0 + (opts.box - pts[i + 1]) * scale); // y up
      if (
        !Number.isFinite(sx) ||
        !Number.isFinite(sy) ||
        sx < x0 ||
        sy < y0 ||
        sx >= x0 + size ||
        sy >= y0 + size
      )
        continue;
      put(sx, sy, color, alpha);
      put(sx + 1, sy, color, alpha);
      put(sx, sy + 1, color, alpha);
      put(sx + 1, sy + 1, color, alpha);
    }
    const tx = x0 + Math.max(0, Math.floor((size - textWidth(panel.title, 2)) / 2));
    rasterText(panel.title, tx, 4, 2, (x, y) => put(x, y, TEXT));
  });
  return PNG.sync.write(png);
}
