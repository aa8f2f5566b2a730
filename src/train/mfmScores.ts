/**
 * Distances of Meta Flow Map outputs to the exact answers on Gaussian-mixture data, beside the exact-vs-exact
 * floor at the same sample size: posterior samples (grid TV, energy) and reward-guided samples (sliced W2,
 * MMD). Shared by `flowmap-lab posterior` / `guide`, the results page and the playground's worker.
 */
import {
  datasetInfo,
  datasetMixture,
  sampleMixture,
  samplePosterior,
  tiltedMixture,
  type LinearReward,
} from '../data/index.ts';
import { energyDistance, gridTotalVariation, mmdRbf, slicedWasserstein2 } from './metrics/index.ts';

/**
 * Posterior distances of `got` to exact samples, with the exact-vs-exact floor (same n, other seed);
 * `exact` is the sample set compared with (the playground draws it).
 */
export function posteriorScores(dataset: string, t: number, at: [number, number], got: Float64Array) {
  const gmm = datasetMixture(dataset);
  if (!gmm) return null;
  const n = got.length / 2;
  const exact = samplePosterior(gmm, at[0], at[1], t, n, 1);
  const other = samplePosterior(gmm, at[0], at[1], t, n, 2);
  const grid = { box: datasetInfo(dataset).box, bins: 64 };
  return {
    gridTv: gridTotalVariation(got, exact, grid),
    energy: energyDistance(got, exact),
    floorTv: gridTotalVariation(other, exact, grid),
    floorEnergy: energyDistance(other, exact),
    exact,
  };
}

/** Sliced W2 and MMD of guided samples to the exact tilted mixture, with the exact-vs-exact floor and `exact`. */
export function guideScores(dataset: string, reward: LinearReward, got: Float64Array) {
  const gmm = datasetMixture(dataset);
  if (!gmm) return null;
  const n = got.length / 2;
  const tilt = tiltedMixture(gmm, reward);
  const exact = sampleMixture(tilt, n, 1);
  const other = sampleMixture(tilt, n, 2);
  return {
    sw2: slicedWasserstein2(got, exact),
    mmd: mmdRbf(got, exact),
    floorSw2: slicedWasserstein2(other, exact),
    floorMmd: mmdRbf(other, exact),
    exact,
  };
}
