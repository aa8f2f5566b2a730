/**
 * The quality plots' floor band: the data-vs-data floor's smallest and largest over the report's own floor and
 * the extra independent data draws the worker adds (a model's gap inside it is noise, not a ranking).
 */
import type { QualityReport } from '../../train/session.ts';

/** The shaded range of the floor over independent data draws: a gap inside it is noise. */
export const BAND_COLOR = 'rgba(100, 116, 139, 0.14)';

/** The floor's band for `metric`: smallest and largest over the report's own floor and its extra data draws. */
export interface FloorBand {
  lo: number;
  hi: number;
  /** The data-vs-data pairs behind it, the report's own floor included. */
  draws: number;
}

/** The band where the report has a floor range for `metric` and a log axis can show it; else undefined. */
export function floorBand(report: QualityReport, metric: string): FloorBand | undefined {
  const range = report.floorRange;
  const f = report.floor[metric];
  const min = range?.min[metric];
  const max = range?.max[metric];
  if (!range || f === undefined || min === undefined || max === undefined) return undefined;
  const lo = Math.min(f, min);
  const hi = Math.max(f, max);
  return lo > 0 && hi > lo && Number.isFinite(hi) ? { lo, hi, draws: range.draws + 1 } : undefined;
}
