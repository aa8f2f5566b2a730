/** Plain-text and Markdown tables of a quality report: one row per metric, one column per NFE, then the floor. */
import type { QualityReport } from '../../train/session.ts';

export const fmtNum = (v: number | undefined): string => {
  if (v === undefined) return '-';
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e4) return String(v); // counts (modes covered)
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
};

export function reportColumns(r: QualityReport): string[] {
  const labels = new Set<string>();
  for (const row of Object.values(r.metrics)) for (const k of Object.keys(row)) labels.add(k);
  const nums = [...labels].filter((l) => l !== 'teacher').sort((a, b) => Number(a) - Number(b));
  return labels.has('teacher') ? [...nums, 'teacher'] : nums;
}

const header = (l: string) => (l === 'teacher' ? 'teacher' : `NFE ${l}`);

export function reportRows(r: QualityReport): string[][] {
  const cols = reportColumns(r);
  const range = r.floorRange;
  const rows = [
    ['metric', ...cols.map(header), 'data floor', ...(range ? [`floor over ${range.draws} draws`] : [])],
  ];
  for (const [metric, row] of Object.entries(r.metrics)) {
    const spread = range ? [`${fmtNum(range.min[metric])}..${fmtNum(range.max[metric])}`] : [];
    rows.push([metric, ...cols.map((c) => fmtNum(row[c])), fmtNum(r.floor[metric]), ...spread]);
  }
  return rows;
}

/** Columns padded with spaces, for a terminal. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
  return rows
    .map((r) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  '))
    .join('\n');
}

export function markdownTable(rows: string[][]): string {
  const line = (r: string[]) => `| ${r.join(' | ')} |`;
  return [
    line(rows[0]),
    `|${rows[0].map((_, j) => (j === 0 ? '---' : '---:')).join('|')}|`,
    ...rows.slice(1).map(line),
  ].join('\n');
}
