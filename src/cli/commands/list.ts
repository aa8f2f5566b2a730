/** `flowmap-lab list`: presets, methods and datasets, one line each. */
import { DATASETS } from '../../data/index.ts';
import { METHODS } from '../../methods/index.ts';
import { METHOD_PRESETS } from '../../train/presets.ts';
import { PRESETS } from '../../state/presets.ts';

export function listText(): string {
  const lines: string[] = ['Presets (train --preset NAME):'];
  const w = Math.max(...[...METHOD_PRESETS, ...PRESETS].map((p) => p.id.length));
  for (const p of METHOD_PRESETS) lines.push(`  ${p.id.padEnd(w)}  ${p.title}`);
  for (const p of PRESETS) lines.push(`  ${p.id.padEnd(w)}  ${p.title} (classroom demo)`);
  lines.push('', 'Methods (config "method"):');
  for (const m of METHODS) {
    const papers = [m.paper, ...(m.related ?? [])].join(', ');
    lines.push(`  ${m.id.padEnd(9)} ${m.title} (arXiv ${papers}): ${m.objective}`);
  }
  lines.push('', 'Datasets (config "dataset"):');
  for (const d of DATASETS) lines.push(`  ${d.name.padEnd(12)} ${d.description}`);
  lines.push(
    `  ${'points'.padEnd(12)} Your own x,y points: train --data FILE.csv [--jitter STD], or a drawn link.`,
  );
  return lines.join('\n');
}
