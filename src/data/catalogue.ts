/**
 * The catalogue of toy datasets: what the UI lists, and float64 reference samples.
 * The sampling itself lives in src/engine/cpu/sampleData.ts (the oracle the GPU kernel matches).
 */
import {
  UnknownDatasetError,
  isDatasetName,
  labellingOf,
  sampleDataCpu,
  sampleLabelsCpu,
  type DatasetName,
} from '../engine/cpu/sampleData.ts';
import { pointsDataset } from '../engine/cpu/pointsData.ts';

export {
  LABELLINGS,
  UnknownLabellingError,
  labellingNames,
  labellingOf,
  oneHot,
  sampleLabelsCpu,
  type Labelling,
  DATASET_IDS,
  DATASET_NAMES,
  UnknownDatasetError,
  isDatasetName,
  type DatasetName,
} from '../engine/cpu/sampleData.ts';

export interface DatasetInfo {
  /** A built-in name, or `points:<hash>` for a registered point set. */
  name: DatasetName | string;
  title: string;
  /** One line for the UI. */
  description: string;
  /** Half-width of the square [-box, box]^2 that holds (nearly) all the mass: plots and grid metrics use it. */
  box: number;
  /** True where `datasetDensity` has a closed form. */
  hasDensity: boolean;
}

export const DATASETS: readonly DatasetInfo[] = [
  {
    name: '8gaussians',
    title: '8 Gaussians',
    description:
      'Eight equal Gaussians (std 0.35) on a circle of radius 2.83: separated modes, exact velocity known.',
    box: 4.5,
    hasDensity: true,
  },
  {
    name: 'checkerboard',
    title: 'Checkerboard',
    description:
      'Uniform on the 8 dark squares of a 4 x 4 board over [-4, 4]^2: sharp edges punish blurry samplers.',
    box: 4.5,
    hasDensity: true,
  },
  {
    name: 'moons',
    title: 'Two moons',
    description: 'Two interleaved half circles with Gaussian noise 0.2: thin curved manifolds.',
    box: 4.5,
    hasDensity: false,
  },
  {
    name: 'spirals',
    title: 'Two spirals',
    description: 'Two arms of an Archimedean spiral, 1.5 turns each, Gaussian noise 0.1: long curved paths.',
    box: 4.5,
    hasDensity: false,
  },
  {
    name: 'rings',
    title: 'Concentric rings',
    description:
      'Four circles of radii 0.9 to 3.6 with equal mass, noise 0.08: nested modes of different size.',
    box: 4.5,
    hasDensity: false,
  },
  {
    name: 'swissroll',
    title: 'Swiss roll',
    description: 'A 2-D swiss roll (1.5 turns) centred at the origin, noise 0.1: one long rolled-up curve.',
    box: 4.5,
    hasDensity: false,
  },
  {
    name: 'pinwheel',
    title: 'Pinwheel',
    description: 'Five curved, stretched Gaussian arms: anisotropic modes that bend with the radius.',
    box: 4.5,
    hasDensity: false,
  },
  {
    name: 'gmm3',
    title: '3 Gaussians (MFM prior)',
    description:
      'Three equal Gaussians (cov 0.5 I) at (-3,-3), (0,0), (3,3): the Meta Flow Maps reward experiment; exact posterior known.',
    box: 6.5,
    hasDensity: true,
  },
];

/** The catalogue entry of a dataset, or UnknownDatasetError listing the valid names. */
export function datasetInfo(name: string): DatasetInfo {
  const set = pointsDataset(name);
  if (set)
    return {
      name,
      title: 'Your points',
      description: `${set.xy.length / 2} points of your own, jitter ${set.jitter}.`,
      box: set.box,
      hasDensity: false,
    };
  const info = DATASETS.find((d) => d.name === name);
  if (!info) throw new UnknownDatasetError(name);
  return info;
}

/**
 * The Philox stream of reference samples, apart from the streams a training graph uses
 * (those are small integers chosen by the methods).
 */
export const REFERENCE_STREAM = 0x0da7a000;

/**
 * `n` float64 samples ([n, 2] row-major) of `dataset`; `seed` picks an independent set.
 * Same numbers as the GPU sampler with (seed, stream = REFERENCE_STREAM + offset, step = 0).
 */
export function sampleReference(dataset: string, n: number, seed: number, streamOffset = 0): Float64Array {
  if (!isDatasetName(dataset) && !pointsDataset(dataset)) throw new UnknownDatasetError(dataset);
  return sampleDataCpu(dataset, n, seed, REFERENCE_STREAM + streamOffset, 0);
}

/**
 * `n` float64 samples of class `classIndex` only (the class-conditional data p(x | c)): the reference
 * draws of `sampleReference` (steps 0, 1, ...) filtered by their labels, so exact for every labelling.
 */
export function sampleClassReference(
  dataset: string,
  labelling: string,
  classIndex: number,
  n: number,
  seed: number,
  streamOffset = 0,
): Float64Array {
  const k = labellingOf(dataset, labelling).classes;
  if (!(Number.isInteger(classIndex) && classIndex >= 0 && classIndex < k))
    throw new RangeError(`class ${classIndex} of '${labelling}': give 0..${k - 1}`);
  const out = new Float64Array(2 * n);
  const chunk = Math.max(1024, 2 * k * n);
  let filled = 0;
  for (let step = 0; filled < n; step++) {
    const x = sampleDataCpu(dataset, chunk, seed, REFERENCE_STREAM + streamOffset, step);
    const c = sampleLabelsCpu(dataset, labelling, chunk, seed, REFERENCE_STREAM + streamOffset, step);
    for (let i = 0; i < chunk && filled < n; i++) {
      if (c[i] !== classIndex) continue;
      out[2 * filled] = x[2 * i];
      out[2 * filled + 1] = x[2 * i + 1];
      filled++;
    }
  }
  return out;
}
