import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCfgSummary, withCfgSummary } from '../../src/cli/output/cfgSummary.ts';
import { CFG_SCALES, CFG_STUDENTS, summarizeCfg, type Cell, type Floors } from '../../src/cli/resultsCfg.ts';

/** Cells where each model's TV to the teacher is `tv(model, w)`. */
function cells(tv: (model: string, w: number) => number): Cell[] {
  return CFG_SCALES.flatMap((w) => [
    { dataset: 'moons', w, classIndex: 0, model: 'teacher (100 Heun)', toData: { tv: 0.3 * w, energy: 0 } },
    ...CFG_STUDENTS.map((s) => ({
      dataset: 'moons',
      w,
      classIndex: 0,
      model: s.id,
      toTeacher: { tv: tv(s.id, w), energy: 0 },
      toData: { tv: 0.5, energy: 0 },
    })),
  ]);
}
const floors: Floors[] = [
  {
    dataset: 'moons',
    classIndex: 0,
    data: { tv: 0.2, energy: 0 },
    teacher: { 1: { tv: 0.2, energy: 0 }, 2: { tv: 0.2, energy: 0 }, 4: { tv: 0.2, energy: 0 } },
  },
];

describe('the cfg page summary', () => {
  it('names the mismatch only when FreeFlow is nearer the teacher than both data-based students and grows slower', () => {
    const grows = summarizeCfg(
      cells((m, w) => (m === 'freeflow' ? 0.3 : 0.3 + 0.1 * w)),
      floors,
    );
    expect(grows).toContain('than both data-based students');
    expect(grows).toContain('`meanflowDistill`');
    const one = summarizeCfg(
      cells((m, w) => (m === 'freeflow' ? 0.3 : m === 'flowmap' ? 0.3 + 0.1 * w : 0.2)),
      floors,
    );
    expect(one).toContain('not for both');
    const none = summarizeCfg(
      cells(() => 0.3),
      floors,
    );
    expect(none).toContain('does not show');
  });

  it('stands on results.md, read from the cfg page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'results-cfg.md'), '# x\n\n## What it shows\n\nOne. Two.\n');
    const summary = readCfgSummary(dir)!;
    expect(summary).toBe('One. Two.');
    const md = withCfgSummary(
      '# Results\n\nClassifier-free guidance and the teacher/data mismatch: [results-cfg.md](results-cfg.md).\n',
      summary,
    );
    expect(md).toContain('mismatch ([results-cfg.md](results-cfg.md)): One. Two.');
    expect(readCfgSummary(join(dir, 'missing'))).toBeUndefined();
  });
});
