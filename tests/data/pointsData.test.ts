import { describe, expect, it } from 'vitest';
import {
  MAX_POINTS,
  PointsDatasetError,
  choosePoint,
  definePointsDataset,
  pointsDataset,
} from '../../src/engine/cpu/pointsData.ts';
import { sampleDataCpu } from '../../src/engine/cpu/sampleData.ts';
import { sampleDataDispatch } from '../../src/engine/kernels/sampleData.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { datasetInfo, sampleReference } from '../../src/data/index.ts';
import { dataFloor } from '../../src/train/metrics/index.ts';
import { testGpu } from '../gpu.ts';

/** A letter L of 300 points plus a far outlier, so every index range is exercised. */
function letterL(): number[] {
  const xy: number[] = [];
  for (let i = 0; i < 200; i++) xy.push(-2, -3 + (6 * i) / 199);
  for (let i = 0; i < 100; i++) xy.push(-2 + (4 * i) / 99, -3);
  xy.push(3.5, 3.5);
  return xy;
}

describe('points dataset', () => {
  it('the GPU kernel draws the same samples as the float64 twin (points, jitter, steps)', async () => {
    const rt = new Runtime(await testGpu());
    for (const [xy, jitter] of [
      [letterL(), 0.1],
      [[0.5, -0.25], 0],
      [Array.from({ length: 2 * 99_991 }, (_, i) => Math.sin(i)), 0.02],
    ] as [number[], number][]) {
      const name = definePointsDataset(xy, jitter);
      for (const [n, seed, stream, step] of [
        [1000, 7, 0, 0],
        [513, 0xdeadbeef, 3, 99],
      ]) {
        const [, out] = rt.arena([5, 2 * n]);
        const stepView = rt.upload([step]);
        rt.submit([sampleDataDispatch(rt, { out, n, dataset: name, seed, stream, step: stepView })]);
        const gpu = (await rt.read(out)).subarray(0, 2 * n);
        const cpu = sampleDataCpu(name, n, seed, stream, step);
        let worst = 0;
        for (let i = 0; i < cpu.length; i++)
          worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]) / (1 + Math.abs(cpu[i])));
        expect(worst, `${xy.length / 2} points, jitter ${jitter}, n=${n}`).toBeLessThan(1e-5);
      }
    }
  });

  it('picks every point with equal probability (chi-square on 4 points) and exactly at the edges', () => {
    const name = definePointsDataset([-1, -1, 1, -1, 1, 1, -1, 1], 0);
    const n = 40_000;
    const s = sampleDataCpu(name, n, 3, 0, 0);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) counts[(s[2 * i] > 0 ? 1 : 0) + (s[2 * i + 1] > 0 ? 2 : 0)]++;
    const chi2 = counts.reduce((a, c) => a + (c - n / 4) ** 2 / (n / 4), 0);
    expect(chi2).toBeLessThan(16.3); // 3 degrees of freedom, p = 0.001
    expect(choosePoint(0xffffffff, MAX_POINTS)).toBe(MAX_POINTS - 1);
    expect(choosePoint(0, MAX_POINTS)).toBe(0);
  });

  it('jitter is Gaussian with the given std, and the grid box holds the points', () => {
    const name = definePointsDataset([1, 2], 0.3);
    const s = sampleReference(name, 20_000, 1);
    let m = 0;
    let v = 0;
    for (let i = 0; i < s.length; i += 2) m += s[i];
    m /= s.length / 2;
    for (let i = 0; i < s.length; i += 2) v += (s[i] - m) ** 2;
    expect(m).toBeCloseTo(1, 1);
    expect(Math.sqrt(v / (s.length / 2))).toBeCloseTo(0.3, 1);
    expect(datasetInfo(name).box).toBeGreaterThanOrEqual(2 + 4 * 0.3);
    expect(pointsDataset(name)?.xy.length).toBe(2);
    // Grid metrics work as for the built-in sets: the floor between two fresh draws is small.
    expect(dataFloor(definePointsDataset(letterL(), 0.1), 4096).gridTv).toBeLessThan(0.35);
  });

  it('the same content gives the same name; bad sets are refused with what to give', () => {
    expect(definePointsDataset(letterL(), 0.1)).toBe(definePointsDataset(letterL(), 0.1));
    expect(definePointsDataset(letterL(), 0.1)).not.toBe(definePointsDataset(letterL(), 0.2));
    expect(() => definePointsDataset([1], 0)).toThrow(PointsDatasetError);
    expect(() => definePointsDataset([], 0)).toThrow(/between 1 and/);
    expect(() => definePointsDataset([0, Number.NaN], 0)).toThrow(/finite/);
    expect(() => definePointsDataset([0, 0], -1)).toThrow(/jitter/);
  });
});
