/** The off-support fraction and the floor's spread over several data-vs-data draws (eval's extra column). */
import { describe, expect, it } from 'vitest';
import { sampleReference } from '../../src/data/index.ts';
import { datasetSupport } from '../../src/data/densities.ts';
import { offSupportFraction } from '../../src/train/metrics/index.ts';
import { evalSeed, scoreSets } from '../../src/train/quality.ts';
import { floorSpread, spread, withFloorRange } from '../../src/train/floorSpread.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { reportRows } from '../../src/cli/output/table.ts';
import { floorBand } from '../../src/ui/plots/floorBand.ts';

describe('off-support fraction', () => {
  const inBoard = datasetSupport('checkerboard')!;

  it('is exactly 0 for checkerboard data and about 1/2 for points uniform on the board; NaN counts off', () => {
    expect(offSupportFraction(inBoard, sampleReference('checkerboard', 8192, 4))).toBe(0);
    const uniform = new Float64Array(2 * 20000);
    let u = 12345;
    for (let i = 0; i < uniform.length; i++) {
      u = (Math.imul(u, 1103515245) + 12345) >>> 0;
      uniform[i] = -4 + (8 * u) / 2 ** 32;
    }
    expect(offSupportFraction(inBoard, uniform)).toBeCloseTo(0.5, 1);
    expect(offSupportFraction(inBoard, [1, 1, NaN, 1, -1, 1, 5, 5])).toBe(0.75);
  });

  it('is in the checkerboard report (floor 0) and absent where no density is zero', () => {
    const points = sampleReference('checkerboard', 1000, 5, 9).map((v) => v * 1.1);
    const r = scoreSets('checkerboard', [{ label: '8', points }], 0, 1);
    expect(r.floor.offSupport).toBe(0);
    expect(r.metrics.offSupport['8']).toBeGreaterThan(0.01);
    expect(datasetSupport('8gaussians')).toBeUndefined();
    const g = scoreSets(
      '8gaussians',
      [{ label: '8', points: sampleReference('8gaussians', 500, 5, 9) }],
      0,
      1,
    );
    expect(g.metrics.offSupport).toBeUndefined();
  });
});

describe('floor spread', () => {
  const ref = (n: number) => (offset: number) => sampleReference('checkerboard', n, 3, offset);

  it('spans a real range for the distances, none for off-support, and is reproducible', () => {
    const a = floorSpread('checkerboard', ref(1024), 6);
    expect(a.draws).toBe(6);
    for (const m of ['gridTv', 'sw2', 'energy', 'mmd']) expect(a.max[m]).toBeGreaterThan(a.min[m]);
    expect(a.min.sw2).toBeGreaterThan(0);
    expect(a.min.energy).toBeLessThan(a.max.energy);
    expect([a.min.offSupport, a.max.offSupport]).toEqual([0, 0]);
    expect(floorSpread('checkerboard', ref(1024), 6)).toEqual(a);
    // more points, a tighter floor: sliced W2's largest draw shrinks
    expect(floorSpread('checkerboard', ref(4096), 3).max.sw2).toBeLessThan(a.max.sw2);
  });

  it('refuses 1 draw or more than the streams set aside, and adds a column to the table', () => {
    expect(() => floorSpread('checkerboard', ref(64), 1)).toThrow(/2\.\.48/);
    expect(() => floorSpread('checkerboard', ref(64), 49)).toThrow(RangeError);
    const points = sampleReference('checkerboard', 512, 5, 9);
    const r = scoreSets('checkerboard', [{ label: '8', points }], 0, 1);
    expect(withFloorRange(r, { dataset: 'checkerboard', seed: 2 }, 0)).toBe(r);
    const rows = reportRows(withFloorRange(r, { dataset: 'checkerboard', seed: 2 }, 4));
    expect(rows[0].at(-1)).toBe('floor over 4 draws');
    const sw2 = rows.find((row) => row[0] === 'sw2')!;
    expect(sw2.at(-1)).toMatch(/^0\.\d+\.\.0\.\d+$/);
    expect(rows.find((row) => row[0] === 'offSupport')!.at(-1)).toBe('0..0');
  });
  it('is drawn once per data, seed, size and draw count, then reused (the page and the results tables)', () => {
    const r = scoreSets(
      'checkerboard',
      [{ label: '8', points: sampleReference('checkerboard', 256, 5, 9) }],
      0,
      1,
    );
    const config = resolveExperiment({ dataset: 'checkerboard', seed: 3 });
    const a = spread(r, config, 4).floorRange!;
    expect(spread({ ...r, step: 7 }, config, 4).floorRange).toBe(a); // another report of that data: reused
    expect(a).toEqual(
      withFloorRange(r, { dataset: 'checkerboard', seed: evalSeed(config.seed, 0) }, 4).floorRange,
    );
    const others = [
      spread(r, { ...config, seed: 4 }, 4), // the band follows the link's seed
      spread(r, config, 5),
      spread({ ...r, samples: 128 }, config, 4),
      spread(r, resolveExperiment({ dataset: 'moons', seed: 3 }), 4),
    ].map((o) => o.floorRange);
    for (const o of others) expect(o).not.toBe(a);
    expect(others[0]).not.toEqual(a);
    expect(spread(r, config, 0)).toBe(r);
  });
});

describe("the page's floor band", () => {
  const points = sampleReference('8gaussians', 1024, 5, 9).map((v) => v * 1.3);
  const report = scoreSets('8gaussians', [{ label: '8', points }], 0, 1);

  it("spans the report's own floor and the extra draws, counting both", () => {
    const withRange = withFloorRange(report, { dataset: '8gaussians', seed: 2 }, 6);
    const band = floorBand(withRange, 'sw2')!;
    const range = withRange.floorRange!;
    expect(band.draws).toBe(7);
    expect(band.lo).toBe(Math.min(report.floor.sw2, range.min.sw2));
    expect(band.hi).toBe(Math.max(report.floor.sw2, range.max.sw2));
    expect(band.lo).toBeLessThanOrEqual(report.floor.sw2);
    expect(band.hi).toBeGreaterThanOrEqual(report.floor.sw2);
  });

  it('is absent without a range, and where a log axis cannot show it (energy can go negative)', () => {
    expect(floorBand(report, 'sw2')).toBeUndefined();
    const fake = {
      ...report,
      floor: { ...report.floor, energy: -0.001 },
      floorRange: { draws: 3, min: { energy: -0.002, sw2: 0.1 }, max: { energy: 0.003, sw2: 0.1 } },
    };
    expect(floorBand(fake, 'energy')).toBeUndefined();
    expect(floorBand(fake, 'gridTv')).toBeUndefined();
  });
});
