import { describe, expect, it } from 'vitest';
import { bitsToUniform, philox4x32_10 } from '../../src/engine/cpu/philox.ts';
import {
  DATASET_IDS,
  DATASET_NAMES,
  EIGHT_GAUSSIANS_RADIUS,
  UnknownDatasetError,
  chooseOf,
  datasetId,
  sampleDataCpu,
  sampleFromUniforms,
} from '../../src/engine/cpu/sampleData.ts';

function moments(x: Float64Array) {
  const n = x.length / 2;
  const mean = [0, 0];
  const sq = [0, 0];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < 2; j++) {
      mean[j] += x[2 * i + j] / n;
      sq[j] += x[2 * i + j] ** 2 / n;
    }
  return { mean, std: sq.map((s, j) => Math.sqrt(s - mean[j] ** 2)) };
}

describe('CPU dataset sampler', () => {
  it('has distinct ids 0..7 and rejects unknown names with the valid list', () => {
    expect(Object.values(DATASET_IDS).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => sampleDataCpu('circles', 4, 0, 0, 0)).toThrow(UnknownDatasetError);
    expect(() => datasetId('circles')).toThrow(/checkerboard/);
  });

  it('sample i is sampleFromUniforms of philox counter (i, step, stream, 0), key (seed, 0)', () => {
    for (const d of DATASET_NAMES) {
      const x = sampleDataCpu(d, 5, 7, 3, 11);
      for (const i of [0, 4]) {
        const b = philox4x32_10([i, 11, 3, 0], [7, 0]);
        const u = b.map(bitsToUniform) as [number, number, number, number];
        expect([x[2 * i], x[2 * i + 1]]).toEqual(sampleFromUniforms(d, u));
      }
    }
  });

  it('is deterministic and differs across seed, stream and step', () => {
    const a = sampleDataCpu('moons', 64, 1, 0, 0);
    expect(sampleDataCpu('moons', 64, 1, 0, 0)).toEqual(a);
    for (const other of [
      sampleDataCpu('moons', 64, 2, 0, 0),
      sampleDataCpu('moons', 64, 1, 1, 0),
      sampleDataCpu('moons', 64, 1, 0, 1),
    ])
      expect(other).not.toEqual(a);
  });

  it('every dataset is centred, unit-ish in scale and inside about [-4.5, 4.5]^2 (gmm3, the MFM prior, wider)', () => {
    for (const d of DATASET_NAMES) {
      if (d === 'gmm3') continue;
      const x = sampleDataCpu(d, 8192, 3, 0, 0);
      const { mean, std } = moments(x);
      for (const j of [0, 1]) {
        expect(Math.abs(mean[j]), `${d} mean`).toBeLessThan(0.1);
        expect(std[j], `${d} std`).toBeGreaterThan(0.8);
        expect(std[j], `${d} std`).toBeLessThan(2.5);
      }
      for (const v of x) expect(Math.abs(v), d).toBeLessThan(4.8);
    }
  });

  it('gmm3 has the MFM prior: components (-3,-3), (0,0), (3,3), covariance 0.5 I, equal weights', () => {
    const x = sampleDataCpu('gmm3', 30000, 3, 0, 0);
    const counts = [0, 0, 0];
    const sq = [0, 0, 0];
    for (let i = 0; i < 30000; i++) {
      // the nearest of the three means along the diagonal
      const kk = Math.min(2, Math.max(0, Math.round((x[2 * i] + x[2 * i + 1]) / 6) + 1));
      counts[kk]++;
      sq[kk] += (x[2 * i] - 3 * (kk - 1)) ** 2;
    }
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(300);
    for (let k = 0; k < 3; k++) expect(sq[k] / counts[k]).toBeCloseTo(0.5, 1);
  });

  it('checkerboard lies on the dark squares only, each square equally likely', () => {
    const x = sampleDataCpu('checkerboard', 8000, 5, 0, 0);
    const counts = new Map<string, number>();
    for (let i = 0; i < 8000; i++) {
      const cx = Math.floor(x[2 * i] / 2);
      const cy = Math.floor(x[2 * i + 1] / 2);
      expect((((cx + cy) % 2) + 2) % 2).toBe(0);
      counts.set(`${cx},${cy}`, (counts.get(`${cx},${cy}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(8);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('8 gaussians puts equal mass near each of the 8 centres', () => {
    const x = sampleDataCpu('8gaussians', 8000, 9, 0, 0);
    const counts = new Array(8).fill(0);
    for (let i = 0; i < 8000; i++) {
      const a = Math.atan2(x[2 * i + 1], x[2 * i]);
      const k = ((Math.round((a / (2 * Math.PI)) * 8) % 8) + 8) % 8;
      counts[k]++;
      const r = Math.hypot(x[2 * i], x[2 * i + 1]);
      expect(Math.abs(r - EIGHT_GAUSSIANS_RADIUS)).toBeLessThan(2.2);
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('chooses among K from the 24-bit integer of a uniform', () => {
    expect(chooseOf(bitsToUniform(0), 5)).toBe(0);
    expect(chooseOf(bitsToUniform(0xffffffff), 5)).toBe(4);
    expect(chooseOf(bitsToUniform(0x80000000), 2)).toBe(1);
    expect(chooseOf(bitsToUniform(0x7fffffff), 2)).toBe(0);
  });
});
