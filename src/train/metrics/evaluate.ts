/**
 * Sample quality against a dataset, and the floor a model is compared with: the same metrics between
 * two independent fresh data sets of the same size (no model can beat it in expectation).
 */
import { datasetInfo, sampleReference } from '../../data/index.ts';
import { gridTotalVariation } from './gridTv.ts';
import { DEFAULT_ENERGY_N, DEFAULT_MMD_N, energyDistance, mmdRbf } from './kernelDistances.ts';
import { nonFiniteRows, rowCount } from './samples.ts';
import { slicedWasserstein2 } from './slicedWasserstein.ts';

export interface SampleMetrics {
  /** Rows compared (grid TV and sliced W2 use all of them). */
  n: number;
  /** Grid-histogram total variation, 64 x 64 over the dataset's box plus an outside bin, in [0, 1]. */
  gridTv: number;
  /** Energy distance on min(n, 4096) rows. */
  energy: number;
  /** MMD^2, mixture of RBF bandwidths 0.1 .. 2, on min(n, 2048) rows. */
  mmd: number;
  /** Sliced Wasserstein-2 over 64 fixed directions. */
  sw2: number;
  /** Fraction of rows with a NaN or infinite coordinate (they count as very far away in the others). */
  nonFinite: number;
}

export interface MetricOptions {
  bins?: number;
  energyN?: number;
  mmdN?: number;
  projections?: number;
}

/** Every metric between two sample sets, on the grid of `dataset`. */
export function compareSamples(
  dataset: string,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: MetricOptions = {},
): SampleMetrics {
  const n = rowCount(a);
  rowCount(b, 'reference');
  return {
    n,
    gridTv: gridTotalVariation(a, b, { box: datasetInfo(dataset).box, bins: opts.bins ?? 64 }),
    energy: energyDistance(a, b, opts.energyN ?? DEFAULT_ENERGY_N),
    mmd: mmdRbf(a, b, undefined, opts.mmdN ?? DEFAULT_MMD_N),
    sw2: slicedWasserstein2(a, b, opts.projections),
    nonFinite: nonFiniteRows(a) / n,
  };
}

/** A model's samples against a fresh reference set of the same size drawn with `seed`. */
export function evaluateSamples(
  dataset: string,
  samples: ArrayLike<number>,
  seed = 0,
  opts: MetricOptions = {},
): SampleMetrics {
  const reference = sampleReference(dataset, rowCount(samples), seed, 0);
  return compareSamples(dataset, samples, reference, opts);
}

/** The floor: metrics between two independent data sets of size n (streams apart from evaluateSamples'). */
export function dataFloor(dataset: string, n: number, seed = 0, opts: MetricOptions = {}): SampleMetrics {
  return compareSamples(
    dataset,
    sampleReference(dataset, n, seed, 1),
    sampleReference(dataset, n, seed, 2),
    opts,
  );
}
