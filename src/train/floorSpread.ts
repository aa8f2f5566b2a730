/**
 * The floor's spread: the floor row (quality.ts floorMetrics) over K independent pairs of fresh data draws,
 * reported as its smallest and largest value per metric. One data-vs-data pair is a single draw of a noisy
 * quantity (sliced W2 at 4,096 points ranges over about 0.045-0.11 on the checkerboard; energy distance and
 * MMD even go negative), so a model's figure means something only well outside this range.
 */
import { sampleClassReference, sampleReference } from '../data/index.ts';
import { datasetOf, type ExperimentConfig } from './config.ts';
import { evalSeed, floorMetrics } from './quality.ts';
import type { FloorRange, QualityReport } from './session.ts';

/** Reference-stream offsets of the spread's draws: 0x40 + 2k and 0x41 + 2k, clear of scoreSets' (1, 2, 16 + i). */
const SPREAD_OFFSET = 0x40;
/** At most this many pairs, so the offsets stay below the page's display stream (reference + 0x100). */
export const MAX_FLOOR_DRAWS = 48;

/** Data of the report's distribution (the dataset, or one class of it) at a reference-stream offset. */
export type ReferenceDraw = (offset: number) => Float64Array;

export function floorSpread(dataset: string, reference: ReferenceDraw, draws: number): FloorRange {
  if (!(Number.isInteger(draws) && draws >= 2 && draws <= MAX_FLOOR_DRAWS))
    throw new RangeError(`floor draws ${draws}: give 2..${MAX_FLOOR_DRAWS}`);
  const min: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (let k = 0; k < draws; k++) {
    const row = floorMetrics(dataset, reference(SPREAD_OFFSET + 2 * k), reference(SPREAD_OFFSET + 2 * k + 1));
    for (const [m, v] of Object.entries(row)) {
      min[m] = Math.min(min[m] ?? Infinity, v);
      max[m] = Math.max(max[m] ?? -Infinity, v);
    }
  }
  return { draws, min, max };
}

/** Where the report's data comes from: the whole dataset, or class `classIndex` of a labelling. */
export interface FloorSource {
  dataset: string;
  seed: number;
  class?: { labelling: string; index: number };
}

/** `report` with its floor's spread over `draws` pairs (fewer than 2: the report unchanged). */
export function withFloorRange(report: QualityReport, source: FloorSource, draws: number): QualityReport {
  if (draws < 2) return report;
  const { dataset, seed } = source;
  const n = report.samples;
  const c = source.class;
  const reference: ReferenceDraw = c
    ? (offset) => sampleClassReference(dataset, c.labelling, c.index, n, seed, offset)
    : (offset) => sampleReference(dataset, n, seed, offset);
  return { ...report, floorRange: floorSpread(dataset, reference, draws) };
}

/** Spreads kept for reuse; the oldest used goes first beyond this many (each is two small maps). */
const SPREAD_CACHE_LIMIT = 32;
const spreads = new Map<string, FloorRange>();

/**
 * A session's report with its floor's spread over `draws` pairs (default 8), drawn with evaluation seed
 * round 0, which no evaluation uses; `cls` when the report is of one class's samples. The spread is data
 * only, so it is computed once per (dataset or drawn points, seed, class, sample size, draws) and reused:
 * the results tables draw it once per dataset, the page once per dataset and seed, not once per report.
 */
export function spread(
  report: QualityReport,
  config: ExperimentConfig,
  draws = 8,
  cls?: { labelling: string; index: number },
): QualityReport {
  if (draws < 2) return report;
  const source: FloorSource = { dataset: datasetOf(config), seed: evalSeed(config.seed, 0), class: cls };
  const key = JSON.stringify([
    source.dataset,
    source.seed,
    cls?.labelling,
    cls?.index,
    report.samples,
    draws,
  ]);
  let range = spreads.get(key);
  if (range) spreads.delete(key);
  else range = withFloorRange(report, source, draws).floorRange!;
  spreads.set(key, range); // most recently used last
  if (spreads.size > SPREAD_CACHE_LIMIT) spreads.delete(spreads.keys().next().value!);
  return { ...report, floorRange: range };
}
