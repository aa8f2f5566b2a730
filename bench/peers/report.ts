/** Printing the peer benchmark: a console table, JSON records and a markdown table. */
import { median, type Measurement } from './measure.ts';
import type { StepKind } from './problem.ts';

export interface Skipped {
  impl: string;
  kind: StepKind;
  batch: number;
  reason: string;
}
export type Row = Measurement | Skipped;
export const isSkipped = (r: Row): r is Skipped => 'reason' in r;

export interface BenchRecord {
  name: string;
  variant: string;
  shape: string;
  value: number;
  unit: string;
  adapter: string;
}

const KIND_LABEL: Record<StepKind, string> = { fm: 'Flow Matching', meanflow: 'MeanFlow', tvm: 'TVM' };
const shapeOf = (batch: number) => `batch ${batch}, MLP 4-256-256-256-2 SiLU`;

/**
 * ours/peer steps/s ratio for a measured peer row, when ours was measured on the same kind and batch:
 * the median of the per-round ratios when both were timed in turns, else the ratio of the medians.
 */
export function oursRatio(rows: Row[], r: Measurement): number | undefined {
  const o = rows.find(
    (x): x is Measurement => !isSkipped(x) && x.impl === 'ours' && x.kind === r.kind && x.batch === r.batch,
  );
  if (!o || r.impl === 'ours') return undefined;
  if (o.inTurns && r.inTurns && o.samples.length === r.samples.length)
    return median(o.samples.map((v, i) => v / r.samples[i]));
  return o.median / r.median;
}

export function records(rows: Row[], adapter: string): BenchRecord[] {
  const out: BenchRecord[] = [];
  for (const r of rows) {
    if (isSkipped(r)) continue;
    const base = { name: `peers.${r.kind}`, variant: r.impl, shape: shapeOf(r.batch), adapter };
    out.push({ ...base, value: r.median, unit: 'steps/s (median)' });
    out.push({ ...base, value: r.min, unit: 'steps/s (min)' });
    out.push({ ...base, value: r.max, unit: 'steps/s (max)' });
    out.push({ ...base, value: r.dispatches, unit: 'dispatches/step' });
    out.push({ ...base, value: r.submits, unit: 'submits/step' });
    const ratio = oursRatio(rows, r);
    if (ratio !== undefined) out.push({ ...base, value: ratio, unit: 'ratio ours/peer (steps/s)' });
  }
  return out;
}

const fmt = (x: number, d = 2) => (x >= 100 ? x.toFixed(0) : x.toFixed(d));

function cells(rows: Row[], r: Row): string[] {
  const head = [KIND_LABEL[r.kind], String(r.batch), r.impl];
  if (isSkipped(r)) return [...head, '-', '-', '-', '-', '-', r.reason];
  const ratio = oursRatio(rows, r);
  const own = r.ownDispatches !== undefined ? ` (own count ${r.ownDispatches})` : '';
  return [
    ...head,
    fmt(r.median),
    `${fmt(r.min)}-${fmt(r.max)}`,
    `${fmt(r.dispatches, 1)}${own}`,
    fmt(r.submits, 1),
    ratio === undefined ? '-' : fmt(ratio),
    `loss ${r.firstLoss.toPrecision(7)} (ref ${r.referenceLoss.toPrecision(7)})`,
  ];
}

const HEADER = [
  'step',
  'batch',
  'impl',
  'steps/s',
  'spread (min-max)',
  'dispatches/step',
  'submits/step',
  'ours/peer',
  'check',
];

export function consoleTable(rows: Row[]): string {
  const all = [HEADER, ...rows.map((r) => cells(rows, r))];
  const widths = HEADER.map((_, i) => Math.max(...all.map((c) => c[i].length)));
  return all.map((c) => c.map((x, i) => x.padEnd(widths[i])).join('  ')).join('\n');
}

/** A markdown table padded the way Prettier writes it, so the docs stay formatted. */
function markdownTable(all: string[][]): string[] {
  const widths = all[0].map((_, i) => Math.max(3, ...all.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((x, i) => x.padEnd(widths[i])).join(' | ')} |`;
  return [line(all[0]), line(widths.map((w) => '-'.repeat(w))), ...all.slice(1).map(line)];
}

export function markdown(
  rows: Row[],
  meta: { adapter: string; versions: string[]; date: string; node: string; load: string },
): string {
  const lines = [
    `Adapter: ${meta.adapter}. Node ${meta.node}. ${meta.date}.`,
    `Versions: ${meta.versions.join('; ')}.`,
    `CPU load average (1 min) at start and end: ${meta.load}.`,
    '',
    ...markdownTable([HEADER, ...rows.map((r) => cells(rows, r))]),
  ];
  return lines.join('\n');
}
