/** Closed-form densities of the datasets that have one (the Gaussian mixtures, checkerboard). */
import { UnknownDatasetError, isDatasetName } from '../engine/cpu/sampleData.ts';
import { datasetMixture, gmmDensity } from './gmm.ts';

/** Checkerboard: 1/32 on the 8 dark squares (side 2) of the 4 x 4 board over [-4, 4]^2, 0 elsewhere. */
export function checkerboardDensity(x: number, y: number): number {
  if (!(x > -4 && x < 4 && y > -4 && y < 4)) return 0;
  const cx = Math.floor(x / 2);
  const cy = Math.floor(y / 2);
  return (((cx + cy) % 2) + 2) % 2 === 0 ? 1 / 32 : 0;
}

/** The density p(x, y) of `dataset` where it has a closed form, else undefined. */
export function datasetDensity(dataset: string): ((x: number, y: number) => number) | undefined {
  if (!isDatasetName(dataset)) throw new UnknownDatasetError(dataset);
  const gmm = datasetMixture(dataset);
  if (gmm) return (x, y) => gmmDensity(gmm, x, y);
  if (dataset === 'checkerboard') return checkerboardDensity;
  return undefined;
}

/**
 * The support indicator of datasets whose density is zero on part of their box (the checkerboard), else
 * undefined: mixtures and noisy shapes have mass everywhere, so "off support" means nothing for them.
 */
export function datasetSupport(dataset: string): ((x: number, y: number) => boolean) | undefined {
  if (!isDatasetName(dataset)) return undefined;
  if (dataset === 'checkerboard') return (x, y) => checkerboardDensity(x, y) > 0;
  return undefined;
}
