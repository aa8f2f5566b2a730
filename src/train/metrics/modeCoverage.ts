/**
 * Mode coverage of a Gaussian mixture: each sample goes to its nearest component centre and counts for
 * it when it lies within 3 standard deviations of it (per-coordinate std s_k: distance <= 3 s_k). A mode
 * is covered when it holds at least half its share (mass_k >= w_k / 2). Reverse-KL methods (DMD, VSD)
 * are mode-seeking: this makes a dropped mode visible where a distance metric only grows a little.
 */
import type { GaussianMixture } from '../../data/gmm.ts';
import { rowCount } from './samples.ts';

export interface ModeCoverage {
  /** Fraction of all samples counted for component k. */
  mass: number[];
  /** Components holding at least half their weight. */
  covered: number;
  /** Fraction of samples within 3 std of their nearest centre (the rest are between modes or outside). */
  inModes: number;
}

export function modeCoverage(gmm: GaussianMixture, points: ArrayLike<number>): ModeCoverage {
  const n = rowCount(points);
  const k = gmm.means.length;
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    let best = 0;
    let bestD = Infinity;
    for (let j = 0; j < k; j++) {
      const d = (x - gmm.means[j][0]) ** 2 + (y - gmm.means[j][1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    if (bestD <= (3 * gmm.stds[best]) ** 2) counts[best]++;
  }
  const mass = counts.map((c) => c / n);
  const covered = mass.filter((m, j) => m >= gmm.weights[j] / 2).length;
  return { mass, covered, inModes: mass.reduce((a, b) => a + b, 0) };
}
