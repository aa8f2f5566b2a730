export { PNG };

/** A decoded image (what PNG.sync.read returns). */
export interface Image {
  width: number;
  height: number;
  data: Buffer;
}

/** Reading a real screenshot: how much of a region differs from the canvas background. */
import { PNG } from 'pngjs';

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Fraction of pixels in `region` of the PNG that differ from `background` by more than `tolerance` per channel. */
export function inkFraction(
  png: Buffer | Image,
  region: Region,
  background: [number, number, number],
  tolerance = 24,
): number {
  const img = Buffer.isBuffer(png) ? PNG.sync.read(png) : png;
  let ink = 0;
  let total = 0;
  const x1 = Math.min(img.width, Math.round(region.x + region.width));
  const y1 = Math.min(img.height, Math.round(region.y + region.height));
  for (let y = Math.max(0, Math.round(region.y)); y < y1; y++) {
    for (let x = Math.max(0, Math.round(region.x)); x < x1; x++) {
      const i = 4 * (y * img.width + x);
      total++;
      if (
        Math.abs(img.data[i] - background[0]) > tolerance ||
        Math.abs(img.data[i + 1] - background[1]) > tolerance ||
        Math.abs(img.data[i + 2] - background[2]) > tolerance
      )
        ink++;
    }
  }
  return total === 0 ? 0 : ink / total;
}

/** Coarse picture of where the ink is: a `cells x cells` grid of ink fractions (to compare two pictures). */
export function inkGrid(
  png: Buffer | Image,
  region: Region,
  background: [number, number, number],
  cells = 8,
): number[] {
  const img = Buffer.isBuffer(png) ? PNG.sync.read(png) : png;
  const out: number[] = [];
  for (let j = 0; j < cells; j++)
    for (let i = 0; i < cells; i++)
      out.push(
        inkFraction(
          img,
          {
            x: region.x + (i * region.width) / cells,
            y: region.y + (j * region.height) / cells,
            width: region.width / cells,
            height: region.height / cells,
          },
          background,
        ),
      );
  return out;
}

/**
 * Pixels of `png` that are one of `colors` (0..255 RGB) drawn with some opacity over `background`: p = b +
 * a (c - b) with a in [minAlpha, 1] up to `tolerance` (RGB distance), each pixel counted for its nearest
 * colour. The count per colour, in the order given.
 */
export function colorCounts(
  png: Buffer | Image,
  colors: readonly (readonly [number, number, number])[],
  background: [number, number, number],
  minAlpha = 0.3,
  tolerance = 14,
): number[] {
  const img = Buffer.isBuffer(png) ? PNG.sync.read(png) : png;
  const counts = colors.map(() => 0);
  for (let i = 0; i < img.data.length; i += 4) {
    const d = [0, 1, 2].map((c) => img.data[i + c] - background[c]);
    let best = -1;
    let bestErr = tolerance;
    colors.forEach((col, k) => {
      const v = [0, 1, 2].map((c) => col[c] - background[c]);
      const vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
      const a = (d[0] * v[0] + d[1] * v[1] + d[2] * v[2]) / vv;
      if (a < minAlpha || a > 1.05) return;
      const err = Math.hypot(d[0] - a * v[0], d[1] - a * v[1], d[2] - a * v[2]);
      if (err < bestErr) {
        bestErr = err;
        best = k;
      }
    });
    if (best >= 0) counts[best]++;
  }
  return counts;
}
