/**
 * Scoring a trained model: its samples at each NFE (and the teacher's) against FRESH data samples, beside
 * the data-vs-data floor at the same sample size. Pure CPU on read-back points; the GPU only draws them.
 */
import { compareSamples, modeCoverage, offSupportFraction, type SampleMetrics } from './metrics/index.ts';
import { datasetMixture } from './analyticTeacher.ts';
import { datasetSupport, sampleClassReference, sampleReference } from '../data/index.ts';
import type { QualityReport } from './session.ts';

/** The metrics a report carries, in table order. */
export const QUALITY_METRICS = ['gridTv', 'sw2', 'energy', 'mmd', 'nonFinite'] as const;
export type QualityMetric = (typeof QUALITY_METRICS)[number];

/**
 * Metrics added for Gaussian-mixture datasets (8 gaussians): `modes`, the number of components holding at
 * least half their share of the samples (nearest centre, within 3 std), and `modeMass`, the fraction of
 * samples inside some mode.
 */
export const MODE_METRICS = ['modes', 'modeMass'] as const;

/**
 * Added for datasets with a hard support (the checkerboard): `offSupport`, the fraction of samples where the
 * data density is zero (off the dark squares). Data scores 0 at every size, so it ranks crispness with only
 * binomial noise.
 */
export const SUPPORT_METRICS = ['offSupport'] as const;

export const DEFAULT_NFES: readonly number[] = [1, 2, 4, 8];

/** Labels of a report's columns: each NFE as text, then 'teacher' when there is one. */
export const nfeLabel = (nfe: number | 'teacher') => String(nfe);

/**
 * The evaluation seed: distinct from the training seed's streams (reference samples use their own Philox
 * stream) and different at each evaluation `round`, so repeated evaluations never reuse the same data.
 */
export const evalSeed = (seed: number, round: number) => (seed * 7919 + round * 104729 + 17) % 2 ** 31;

export interface ScoredSet {
  label: string;
  points: Float32Array | Float64Array;
}

function pick(m: SampleMetrics): Record<QualityMetric, number> {
  return { gridTv: m.gridTv, sw2: m.sw2, energy: m.energy, mmd: m.mmd, nonFinite: m.nonFinite };
}

/** The common number of points of `sets` (each [n, 2] flat); throws when they differ or are empty. */
function commonSize(caller: string, sets: readonly ScoredSet[]): number {
  const n = sets[0]?.points.length / 2;
  if (!n || sets.some((s) => s.points.length !== 2 * n))
    throw new RangeError(`${caller}: give sets of one common, non-zero size`);
  return n;
}

/** Every set against its own fresh reference draw (`reference(16 + i)` for set i): metric -> label -> value. */
function setMetrics(
  dataset: string,
  sets: readonly ScoredSet[],
  reference: (offset: number) => Float64Array,
): Record<string, Record<string, number>> {
  const metrics: Record<string, Record<string, number>> = {};
  for (const k of QUALITY_METRICS) metrics[k] = {};
  sets.forEach((s, i) => {
    const m = pick(compareSamples(dataset, s.points, reference(16 + i)));
    for (const k of QUALITY_METRICS) metrics[k][s.label] = m[k];
  });
  return metrics;
}

/** The dataset-specific metrics of one set (modes and mode mass, off-support fraction), where they apply. */
function shapeMetrics(dataset: string, points: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  const gmm = datasetMixture(dataset);
  if (gmm) {
    const c = modeCoverage(gmm, points);
    out.modes = c.covered;
    out.modeMass = c.inModes;
  }
  const support = datasetSupport(dataset);
  if (support) out.offSupport = offSupportFraction(support, points);
  return out;
}

/**
 * The floor row from two independent data draws `a` and `b`: every distance between them, and the
 * dataset-specific metrics of `a` (what data itself scores).
 */
export function floorMetrics(dataset: string, a: Float64Array, b: Float64Array): Record<string, number> {
  return { ...pick(compareSamples(dataset, a, b)), ...shapeMetrics(dataset, a) };
}

/**
 * One report: every set against its own fresh data draw of the same size (seed `seed`, a different
 * stream per set), and the floor (two further fresh draws). All sets must have the same size.
 */
export function scoreSets(
  dataset: string,
  sets: readonly ScoredSet[],
  step: number,
  seed: number,
): QualityReport {
  const n = commonSize('scoreSets', sets);
  const metrics = setMetrics(dataset, sets, (offset) => sampleReference(dataset, n, seed, offset));
  for (const s of sets)
    for (const [k, v] of Object.entries(shapeMetrics(dataset, s.points))) (metrics[k] ??= {})[s.label] = v;
  const floor = floorMetrics(
    dataset,
    sampleReference(dataset, n, seed, 1),
    sampleReference(dataset, n, seed, 2),
  );
  return { step, samples: n, metrics, floor };
}

/**
 * Per-class scores: every set against fresh samples of class `classIndex` of the data (same size), and
 * the class floor (two further fresh class draws). The labelled twin of `scoreSets`.
 */
export function scoreClassSets(
  dataset: string,
  labelling: string,
  classIndex: number,
  sets: readonly ScoredSet[],
  step: number,
  seed: number,
): QualityReport {
  const n = commonSize('scoreClassSets', sets);
  const ref = (offset: number) => sampleClassReference(dataset, labelling, classIndex, n, seed, offset);
  const metrics = setMetrics(dataset, sets, ref);
  const floor = pick(compareSamples(dataset, ref(1), ref(2)));
  return { step, samples: n, metrics, floor };
}
