import { describe, expect, it } from 'vitest';
import { eightGaussians, sampleReference } from '../../src/data/index.ts';
import { modeCoverage } from '../../src/train/metrics/index.ts';
import { scoreSets } from '../../src/train/quality.ts';

const gmm = eightGaussians();

describe('mode coverage of a Gaussian mixture', () => {
  it('fresh data covers all 8 modes with ~99 % of samples inside 3 std; half the modes drop to 4', () => {
    const data = sampleReference('8gaussians', 4000, 3);
    const all = modeCoverage(gmm, data);
    expect(all.covered).toBe(8);
    all.mass.forEach((m) => expect(m).toBeGreaterThan(0.1));
    expect(all.inModes).toBeGreaterThan(0.97);
    // Keep only samples nearest to the even-numbered centres: four modes, each with ~1/4 of the mass.
    const kept: number[] = [];
    for (let i = 0; i < data.length / 2; i++) {
      const a = Math.atan2(data[2 * i + 1], data[2 * i]);
      const k = Math.round((a / (2 * Math.PI)) * 8 + 8) % 8;
      if (k % 2 === 0) kept.push(data[2 * i], data[2 * i + 1]);
    }
    expect(modeCoverage(gmm, kept).covered).toBe(4);
  });

  it('the one-step collapse onto the mean covers no mode; NaN rows count for none', () => {
    const mean = new Float64Array(2000).fill(0.01);
    expect(modeCoverage(gmm, mean)).toMatchObject({ covered: 0, inModes: 0 });
    const nan = new Float64Array(20).fill(NaN);
    expect(modeCoverage(gmm, nan).covered).toBe(0);
  });

  it('is in the quality report of 8 gaussians (with the floor) and absent for other datasets', () => {
    const points = sampleReference('8gaussians', 1000, 5, 9);
    const r = scoreSets('8gaussians', [{ label: '1', points }], 0, 1);
    expect(r.metrics.modes['1']).toBe(8);
    expect(r.floor.modes).toBe(8);
    expect(r.metrics.modeMass['1']).toBeGreaterThan(0.95);
    const m = scoreSets('moons', [{ label: '1', points: sampleReference('moons', 500, 5, 9) }], 0, 1);
    expect(m.metrics.modes).toBeUndefined();
  });
});
