/** `flowmap-lab train --data FILE.csv`: Flow Matching learns a point set of your own, measured against its floor. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';

/** A letter T in pixel-like coordinates (y down, 0..400): the loader fits it into the canvas square. */
function letterCsv(): string {
  const rows = ['px,py'];
  for (let i = 0; i < 120; i++) rows.push(`${50 + (300 * i) / 119},50`);
  for (let i = 0; i < 120; i++) rows.push(`200,${50 + (300 * i) / 119}`);
  return rows.join('\n');
}

describe('train --data', () => {
  it('trains FM on a CSV of points to near the data floor, and names a bad line with exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-points-'));
    const csv = join(dir, 't.csv');
    writeFileSync(csv, letterCsv());
    const config = join(dir, 'c.json');
    writeFileSync(
      config,
      JSON.stringify({
        method: 'fm',
        net: { width: 64, depth: 2 },
        train: { batch: 256, lr: 3e-3, ema: 0.99 },
      }),
    );
    const out = join(dir, 'run');
    const argv = ['train', '--config', config, '--data', csv, '--jitter', '0.15', '--steps', '1500'];
    const code = await main([...argv, '--out', out, '--quiet', '--samples', '2048', '--nfe', '8']);
    expect(code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(m.config.dataset).toBe('points');
    expect(m.config.points.xy).toHaveLength(480);
    expect(m.config.points.jitter).toBe(0.15);
    const tv = m.metrics.gridTv['8'];
    const floor = m.floor.gridTv;
    console.log(`FM on a drawn T, 1500 steps: grid TV at NFE 8 ${tv.toFixed(3)}, floor ${floor.toFixed(3)}`);
    expect(tv).toBeLessThan(floor + 0.15);
    expect(m.floor_range.draws).toBe(8); // the floor's spread over 8 data-vs-data draws
    expect(m.floor_range.max.gridTv).toBeGreaterThan(m.floor_range.min.gridTv);

    writeFileSync(csv, 'x,y\n1,2\n3,oops\n');
    expect(await main([...argv, '--out', out, '--quiet'])).toBe(2);
  }, 240_000);
});
