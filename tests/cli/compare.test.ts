/** `flowmap-lab compare --url HASH --out DIR`: two members trained side by side, every output written. */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

const HASH =
  '#v=1&dataset=8gaussians&seed=1&width=16&depth=1&batch=64&lr=0.003&steps=24&cv=1&compare=fm,meanflow&nfe=1&m2.lr=0.002';

describe('compare', () => {
  it('writes the summary table (md, json), the CSVs and one picture with a panel per member', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'fml-compare-')), 'run');
    expect(await main(['compare', '--url', HASH, '--out', out, '--samples', '512'])).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(s.members.map((m: { entry: string }) => m.entry)).toEqual(['fm', 'meanflow']);
    for (const m of s.members) {
      expect(m.steps).toBe(24);
      expect(m.history.length).toBeGreaterThanOrEqual(2);
      for (const k of ['1', '2', '4', '8']) expect(m.metrics.gridTv[k]).toBeGreaterThan(s.floor.gridTv - 0.1);
      expect(m.steps_per_second).toBeGreaterThan(0);
    }
    const md = readFileSync(join(out, 'summary.md'), 'utf8');
    expect(md).toMatch(/\| 1\. fm \| fm \| 24 \|/);
    expect(md).toContain('data floor');
    for (const f of ['quality-m1.csv', 'quality-m2.csv', 'samples-m1.csv', 'samples-m2.csv', 'data.csv'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'quality-m2.csv'), 'utf8').split('\n')[0]).toMatch(/^step,seconds,tv_nfe1/);
    const png = PNG.sync.read(readFileSync(join(out, 'compare.png')));
    expect(png.width).toBeGreaterThan(2.5 * png.height); // data + two members side by side
  }, 180_000);

  it('exits 2 with a message for a link that is not a comparison', async () => {
    expect(await main(['compare', '--url', '#dataset=moons&compare=fm'])).toBe(2);
    expect(await main(['compare'])).toBe(2);
  });
});
