/** docs/checking.md lists, for every method, the batch tensors that `flowmap-lab loss` asks for. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METHODS, resolveParams } from '../../src/methods/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { lossCheckGraph } from '../../src/train/lossCheck.ts';
import { planStages } from '../../src/train/plan.ts';

const doc = readFileSync(new URL('../../docs/checking.md', import.meta.url), 'utf8');

/** The table rows of one method: from its `| id |` row to the next method's row. */
function rowsOf(id: string): string {
  const lines = doc.split('\n').filter((l) => l.startsWith('| '));
  // The first cell, trimmed: the table may be padded by a formatter.
  const first = (l: string) => l.split('|')[1].trim();
  const start = lines.findIndex((l) => first(l) === id);
  if (start < 0) return '';
  let end = start + 1;
  while (end < lines.length && first(lines[end]) === '') end++;
  return lines.slice(start, end).join('\n');
}

describe('docs/checking.md', () => {
  for (const m of METHODS) {
    it(`names every batch tensor of ${m.id} with its distribution`, () => {
      const config = resolveExperiment({
        method: m.id,
        dataset: '8gaussians',
        teacher: { source: 'analytic' },
      });
      const params = resolveParams(m, config.params);
      const plan = planStages(m, config, params);
      const last = plan[plan.length - 1];
      const g = lossCheckGraph(m, config, params, last.stage, last.teacher);
      const rows = rowsOf(m.id);
      expect(rows, `no rows for ${m.id}`).not.toBe('');
      for (const b of g.batch) {
        expect(rows).toContain(`\`${b.name}\``);
        if (b.dist !== 'data')
          expect(rows.split('\n').find((l) => l.includes(`\`${b.name}\``))).toMatch(new RegExp(b.dist));
      }
    });
  }
});
