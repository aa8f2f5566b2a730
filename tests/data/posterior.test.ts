import { describe, expect, it } from 'vitest';
import {
  datasetMixture,
  fullMixture,
  glassCoefficients,
  glassVelocityAt,
  gmm3,
  gmmPosterior,
  gmmVelocityAt,
  linearReward,
  mixtureMoments,
  PAPER_REWARD,
  sampleMixture,
  samplePosterior,
  tiltedMixture,
  valueGradient,
  InvalidRewardError,
  eightGaussians,
  type FullMixture,
} from '../../src/data/index.ts';
import { normalAt } from '../../src/engine/cpu/philox.ts';
import { energyDistance, slicedWasserstein2 } from '../../src/train/metrics/index.ts';

function sampleMoments(x: Float64Array) {
  const n = x.length / 2;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[2 * i] / n;
    my += x[2 * i + 1] / n;
  }
  let xx = 0;
  let xy = 0;
  let yy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[2 * i] - mx;
    const dy = x[2 * i + 1] - my;
    xx += (dx * dx) / n;
    xy += (dx * dy) / n;
    yy += (dy * dy) / n;
  }
  return { mean: [mx, my], cov: [xx, xy, yy] };
}

function logDensity(mix: FullMixture, x: number, y: number): number {
  let s = 0;
  mix.means.forEach(([mx, my], k) => {
    const [a, b, c] = mix.covs[k];
    const det = a * c - b * b;
    const dx = x - mx;
    const dy = y - my;
    const q = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
    s += (mix.weights[k] * Math.exp(-q / 2)) / (2 * Math.PI * Math.sqrt(det));
  });
  return Math.log(s);
}

describe('exact Meta Flow Maps targets on Gaussian mixtures', () => {
  it('posterior samples have the closed-form mean and covariance', () => {
    const gmm = gmm3();
    for (const [zx, zy, t] of [
      [0.5, 0.5, 0.6],
      [1.5, -0.2, 0.9],
      [2.8, 3.1, 0.3],
    ]) {
      const exact = mixtureMoments(fullMixture(gmmPosterior(gmm, zx, zy, t)));
      const got = sampleMoments(samplePosterior(gmm, zx, zy, t, 40000, 5));
      const scale = Math.sqrt(exact.cov[0] + exact.cov[2]);
      for (const j of [0, 1]) expect(Math.abs(got.mean[j] - exact.mean[j])).toBeLessThan(0.03 * scale + 1e-3);
      for (const j of [0, 1, 2])
        expect(Math.abs(got.cov[j] - exact.cov[j])).toBeLessThan(0.05 * (exact.cov[0] + exact.cov[2]) + 1e-3);
    }
    expect(datasetMixture('8gaussians')).toEqual(eightGaussians());
    expect(datasetMixture('moons')).toBeNull();
  });

  it('the tilted mixture is the prior times exp r up to a constant, and its samples follow it', () => {
    const prior = gmm3();
    const tilt = tiltedMixture(prior, PAPER_REWARD);
    const full = fullMixture(prior);
    const offsets = [
      [0, 0],
      [-1, -0.3],
      [0.4, 1.2],
      [-2.5, -1.8],
    ].map(([x, y]) => logDensity(tilt, x, y) - logDensity(full, x, y) - linearReward(PAPER_REWARD, x, y));
    for (const o of offsets) expect(o).toBeCloseTo(offsets[0], 9);
    expect(tilt.covs[0][1]).not.toBe(0); // the tilt of an isotropic component is anisotropic
    const exact = mixtureMoments(tilt);
    const got = sampleMoments(sampleMixture(tilt, 40000, 2));
    for (const j of [0, 1]) expect(got.mean[j]).toBeCloseTo(exact.mean[j], 1);
    for (const j of [0, 1, 2]) expect(got.cov[j]).toBeCloseTo(exact.cov[j], 1);
    expect(() => tiltedMixture(prior, { a: [0, 0], y: 1, sigma: 1 })).toThrow(InvalidRewardError);
    expect(() => tiltedMixture(prior, { a: [1, 0], y: 1, sigma: 0 })).toThrow(InvalidRewardError);
  });

  it('the GLASS velocity with the exact teacher is the exact velocity of the posterior mixture, near both ends', () => {
    for (const gmm of [gmm3(), eightGaussians()]) {
      const u = (x: number, y: number, t: number) => gmmVelocityAt(gmm, x, y, t);
      for (const t of [0.01, 0.3, 0.6, 0.9, 0.999, 1])
        for (const a of [1e-3, 0.2, 0.7, 0.999, ...(t < 1 ? [1] : [])])
          // (t, a) = (1, 1): den = 0, clamped
          for (const [xt, yt, ix, iy] of [
            [0.4, 0.6, -1, 0.5],
            [2.2, 2.9, 0.3, -0.4],
          ]) {
            const post = gmmPosterior(gmm, xt, yt, t);
            const want = gmmVelocityAt(post, ix, iy, a);
            const got = glassVelocityAt(u, ix, iy, a, xt, yt, t);
            const tol = 1e-7 * (1 + Math.abs(want[0]) + Math.abs(want[1]));
            expect(Math.abs(got[0] - want[0]), `t ${t} a ${a}`).toBeLessThan(tol);
            expect(Math.abs(got[1] - want[1]), `t ${t} a ${a}`).toBeLessThan(tol);
          }
    }
    const c = glassCoefficients(1, 0.4);
    expect([c.tau, c.yI, c.yx, c.cI, c.cx, c.cu]).toEqual(
      [0.4, 1, 0, 0, 0, 1].map((v) => expect.closeTo(v, 12)),
    );
  });

  it('the guided ODE with the exact value gradient (the sampler of the guide command) reaches the tilted target', () => {
    const gmm = gmm3();
    const target = sampleMixture(tiltedMixture(gmm, PAPER_REWARD), 512, 4);
    const floor = slicedWasserstein2(sampleMixture(tiltedMixture(gmm, PAPER_REWARD), 512, 1), target);
    const out = new Float64Array(1024);
    const steps = 50;
    for (let i = 0; i < 512; i++) {
      let x = normalAt(1, 9, 0, 2 * i);
      let y = normalAt(1, 9, 0, 2 * i + 1);
      for (let k = 0; k < steps; k++) {
        const t = 0.99 * (1 - k / steps);
        const [ux, uy] = gmmVelocityAt(gmm, x, y, t);
        const [gx, gy] = valueGradient(gmm, PAPER_REWARD, x, y, t);
        const f = Math.min(t / (1 - t), 12.5);
        x -= (0.99 / steps) * (ux - f * gx);
        y -= (0.99 / steps) * (uy - f * gy);
      }
      out[2 * i] = x;
      out[2 * i + 1] = y;
    }
    expect(slicedWasserstein2(out, target)).toBeLessThan(1.5 * floor);
  });

  it('the GLASS ODE with the exact teacher carries fresh noise to the exact posterior', () => {
    const gmm = gmm3();
    const u = (x: number, y: number, t: number) => gmmVelocityAt(gmm, x, y, t);
    const [xt, yt, t] = [0.8, 0.6, 0.6];
    const n = 2000;
    const steps = 200;
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let x = normalAt(3, 77, 0, 2 * i);
      let y = normalAt(3, 77, 0, 2 * i + 1);
      for (let k = 0; k < steps; k++) {
        const a0 = 1 - k / steps;
        const a1 = 1 - (k + 1) / steps;
        const [bx, by] = glassVelocityAt(u, x, y, a0, xt, yt, t);
        const px = x + (a1 - a0) * bx;
        const py = y + (a1 - a0) * by;
        const [cx, cy] = glassVelocityAt(u, px, py, Math.max(a1, 1e-6), xt, yt, t);
        x += ((a1 - a0) * (bx + cx)) / 2;
        y += ((a1 - a0) * (by + cy)) / 2;
      }
      out[2 * i] = x;
      out[2 * i + 1] = y;
    }
    const exact = samplePosterior(gmm, xt, yt, t, n, 1);
    const floor = energyDistance(samplePosterior(gmm, xt, yt, t, n, 2), exact);
    const d = energyDistance(out, exact);
    expect(d).toBeLessThan(Math.max(3 * floor, 0.01));
    const m = mixtureMoments(fullMixture(gmmPosterior(gmm, xt, yt, t)));
    const got = sampleMoments(out);
    for (const j of [0, 1]) expect(got.mean[j]).toBeCloseTo(m.mean[j], 1);
  });
});
