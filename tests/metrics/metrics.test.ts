import { describe, expect, it } from 'vitest';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { eightGaussians, gmmVelocity, sampleReference } from '../../src/data/index.ts';
import {
  FAR,
  SampleShapeError,
  compareSamples,
  dataFloor,
  energyDistance,
  evaluateSamples,
  gridTotalVariation,
  histogram2d,
  mmdRbf,
  rbfKernel,
  DEFAULT_BANDWIDTHS,
  slicedWasserstein2,
  wasserstein2Squared1d,
} from '../../src/train/metrics/index.ts';

const N = 4096;
const shift = (x: Float64Array, dx: number, dy: number) => x.map((v, k) => v + (k % 2 ? dy : dx));
const blur = (x: Float64Array, s: number, seed: number) => x.map((v, k) => v + s * normalAt(seed, 5, 0, k));

describe('metric primitives, by hand', () => {
  it('1-D W2 between empirical measures of different sizes', () => {
    // Quantile functions: a = 0 on [0, 1/2), 1 after; b = 0, 1, 2, 3 on quarters.
    expect(wasserstein2Squared1d(Float64Array.of(0, 1), Float64Array.of(0, 1, 2, 3))).toBeCloseTo(1.5, 14);
    expect(wasserstein2Squared1d(Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3))).toBe(0);
  });

  it('sliced W2 of a translate by c is |c| / sqrt 2 (directions evenly spread on the half circle)', () => {
    const x = sampleReference('moons', 500, 1);
    expect(slicedWasserstein2(x, shift(x, 0.3, -0.4), 64, 7)).toBeCloseTo(0.5 / Math.SQRT2, 10);
  });

  it('energy distance and MMD as U-statistics on two points each', () => {
    const a = Float64Array.of(0, 0, 2, 0);
    const b = Float64Array.of(0, 1, 2, 1);
    // 2 mean|a - b| - |a1 - a2| - |b1 - b2| = (2 + 2 sqrt 5) / 2 - 2 - 2.
    expect(energyDistance(a, b)).toBeCloseTo(1 + Math.sqrt(5) - 4, 12);
    const k = (d2: number) => Math.exp(-d2 / 2);
    expect(mmdRbf(a, b, [1])).toBeCloseTo(2 * k(4) - (2 * k(1) + 2 * k(5)) / 2, 12);
  });

  it('the default kernel (one exp and its powers) equals the sum of one exp per bandwidth', () => {
    const naive = (d2: number) =>
      DEFAULT_BANDWIDTHS.reduce((v, s) => v + Math.exp(-d2 / (2 * s * s)), 0) / DEFAULT_BANDWIDTHS.length;
    const k = rbfKernel(DEFAULT_BANDWIDTHS);
    for (const d2 of [0, 1e-6, 0.003, 0.05, 0.2, 1, 3.7, 10, 64, 200, 6000, 1e6]) {
      const want = naive(d2);
      expect(Math.abs(k(d2) - want)).toBeLessThanOrEqual(1e-13 * want + 1e-300);
    }
  });

  it('histogram counts mass outside the box and NaN rows as outside', () => {
    const h = histogram2d(Float64Array.of(0.1, 0.1, 10, 0, NaN, 0, -0.1, -0.1), { box: 1, bins: 2 });
    expect(Array.from(h)).toEqual([0.25, 0, 0, 0.25, 0.5]);
  });

  it('rejects malformed sample arrays', () => {
    expect(() => gridTotalVariation(new Float64Array(3), new Float64Array(4))).toThrow(SampleShapeError);
    expect(() => energyDistance(new Float64Array(0), new Float64Array(4))).toThrow(SampleShapeError);
  });
});

describe('metrics against the data floor', () => {
  const floor = dataFloor('8gaussians', N, 3);

  it('data against fresh data sits at the floor', () => {
    const m = evaluateSamples('8gaussians', sampleReference('8gaussians', N, 11, 5), 3);
    expect(m.gridTv).toBeLessThan(1.25 * floor.gridTv);
    expect(Math.abs(m.energy)).toBeLessThan(0.005);
    expect(Math.abs(m.mmd)).toBeLessThan(0.001);
    expect(m.sw2).toBeLessThan(2.5 * floor.sw2);
    expect(m.nonFinite).toBe(0);
  });

  it('shifted or blurred data is clearly worse on every metric', () => {
    const data = sampleReference('8gaussians', N, 11, 5);
    // Measured at n = 4096: floor TV 0.28, energy 5e-4, MMD 4e-4, SW2 0.05..0.09; shifted by 0.4: 0.50, 0.04,
    // 9e-3, 0.27; blurred by 0.6: 0.55, 0.01, 7e-3, 0.20.
    for (const bad of [shift(data, 0.4, 0), blur(data, 0.6, 2)]) {
      const m = evaluateSamples('8gaussians', bad, 3);
      expect(m.gridTv).toBeGreaterThan(1.5 * floor.gridTv);
      expect(m.energy).toBeGreaterThan(0.005);
      expect(m.mmd).toBeGreaterThan(0.004);
      expect(m.sw2).toBeGreaterThan(1.8 * floor.sw2);
    }
  });

  it('a blurred square scores a much larger grid TV than the checkerboard itself', () => {
    const tv = (x: Float64Array) => gridTotalVariation(x, sampleReference('checkerboard', N, 1, 0));
    const cbFloor = tv(sampleReference('checkerboard', N, 1, 1));
    // Uniform on [-4, 4]^2 (the squares smeared into one) and the board blurred by 0.25 and 0.5.
    // Measured at n = 4096: floor 0.35; square 0.60; blurred 0.43 and 0.51 (energy, MMD, SW2 barely see the blur).
    const square = new Float64Array(2 * N).map((_, k) => -4 + 8 * uniformAt(4, 6, 0, k));
    const board = sampleReference('checkerboard', N, 2);
    expect(tv(square)).toBeGreaterThan(cbFloor + 0.2);
    expect(tv(blur(board, 0.25, 3))).toBeGreaterThan(cbFloor + 0.05);
    expect(tv(blur(board, 0.5, 3))).toBeGreaterThan(cbFloor + 0.1);
  });

  it('diverged samples give large finite metrics and are counted', () => {
    const data = sampleReference('moons', 512, 1);
    data[0] = NaN;
    data[3] = Infinity;
    const m = compareSamples('moons', data, sampleReference('moons', 512, 2));
    expect(m.nonFinite).toBeCloseTo(2 / 512, 12);
    expect(Number.isFinite(m.energy) && Number.isFinite(m.sw2)).toBe(true);
    expect(m.sw2).toBeGreaterThan(FAR / 100);
  });

  it('integrating the exact 8-gaussians velocity from t = 1 to 0 reproduces the data (metrics at the floor)', () => {
    const gmm = eightGaussians();
    const steps = 200;
    const z = new Float64Array(2 * N).map((_, k) => normalAt(21, 0, 0, k));
    for (let s = 0; s < steps; s++) {
      const t = 1 - s / steps;
      const u = gmmVelocity(gmm, z, t);
      for (let k = 0; k < z.length; k++) z[k] -= u[k] / steps;
    }
    const m = evaluateSamples('8gaussians', z, 3);
    expect(m.gridTv).toBeLessThan(1.25 * floor.gridTv);
    expect(Math.abs(m.energy)).toBeLessThan(0.005);
    expect(m.sw2).toBeLessThan(2.5 * floor.sw2);
  });
});
