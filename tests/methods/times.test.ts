import { describe, expect, it } from 'vitest';
import { input } from '../../src/autodiff/index.ts';
import { normalAt } from '../../src/engine/cpu/philox.ts';
import { streamCounter } from '../../src/methods/method.ts';
import { equalOnFraction, normalCdf, normalQuantile, sortedPair, tvmTimes } from '../../src/methods/times.ts';
import { run } from './helpers.ts';

/** Phi(x) in float64 by composite Simpson on the density over [x - 14, x] (x <= 0), reflected for x > 0. */
function phiRef(x: number): number {
  if (x > 0) return 1 - phiRef(-x);
  const a = x - 14;
  const n = 20000;
  const h = (x - a) / n;
  const pdf = (u: number) => Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
  let acc = pdf(a) + pdf(x);
  for (let i = 1; i < n; i++) acc += (i % 2 ? 4 : 2) * pdf(a + i * h);
  return (acc * h) / 3;
}

const logit = (p: number) => Math.log(p / (1 - p));
const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((a, b) => a + b, 0) / xs.length;

describe('normal CDF and quantile as graph ops (float64)', () => {
  const xs = Array.from({ length: 49 }, (_, i) => -6 + i * 0.25);
  const ref = xs.map(phiRef);

  it('Phi has relative error < 2e-7 in the lower tail and absolute error < 2e-7 everywhere', () => {
    const x = input('x', [xs.length]);
    const [got] = run([normalCdf(x)], { x: Float64Array.from(xs) });
    xs.forEach((v, i) => {
      expect(Math.abs(got[i] - ref[i])).toBeLessThan(2e-7);
      if (v <= 0) expect(Math.abs(got[i] - ref[i]) / ref[i]).toBeLessThan(2e-7);
    });
  });

  it('Phi^-1 inverts Phi to 1e-8 (1 + |x|) over [-6, 6], both tails and the centre', () => {
    const p = input('p', [xs.length]);
    const [got] = run([normalQuantile(p)], { p: Float64Array.from(ref) });
    xs.forEach((v, i) => expect(Math.abs(got[i] - v), `x = ${v}`).toBeLessThan(1e-8 * (1 + Math.abs(v))));
  });
});

describe('time samplers', () => {
  it("TVM's truncated sampler: 0 < s <= t <= 1, t = s + gap unless clamped, and the law of the rejection reference", () => {
    const B = 20000;
    const { t, s, sPrime } = tvmTimes(streamCounter(1), B, -0.4, 1, -0.8, 1);
    const [tv, sv, spv] = run([t, s, sPrime]);
    const gapLogits: number[] = [];
    for (let i = 0; i < B; i++) {
      expect(sv[i]).toBeGreaterThan(0);
      expect(tv[i]).toBeGreaterThanOrEqual(sv[i]);
      expect(tv[i]).toBeLessThanOrEqual(1);
      expect(spv[i]).toBeGreaterThan(0);
      expect(spv[i]).toBeLessThan(1);
      gapLogits.push(logit(Math.min(tv[i] - sv[i], 1 - 1e-12)));
    }
    // The gap's logit is N(-0.8, 1) (rows with t < 1 were never clamped, and all rows are: s <= 1 - gap).
    expect(Math.abs(mean(gapLogits) + 0.8)).toBeLessThan(0.04);
    // Reference (float64): for each gap, rejection-sample s from its logit-normal until s <= 1 - gap.
    const refS: number[] = [];
    for (let i = 0, k = 0; i < B; i++) {
      const gap = 1 / (1 + Math.exp(-(-0.8 + normalAt(99, 1, 0, i))));
      for (;;) {
        const sl = -0.4 + normalAt(99, 2, 0, k++);
        if (1 / (1 + Math.exp(-sl)) <= 1 - gap) {
          refS.push(sl);
          break;
        }
      }
    }
    const sLogits = Array.from(sv, logit);
    expect(Math.abs(mean(sLogits) - mean(refS))).toBeLessThan(0.04);
    const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor(f * xs.length)];
    for (const f of [0.1, 0.5, 0.9]) expect(Math.abs(q(sLogits, f) - q(refS, f))).toBeLessThan(0.06);
    expect(Math.abs(mean(Array.from(spv, logit)) + 0.4)).toBeLessThan(0.04);
  });

  it('sorted pairs have t >= r, and r = t on exactly round(fraction * B) rows', () => {
    const B = 37;
    const { t, r } = sortedPair(streamCounter(1), B, 'logitNormal', -0.4, 1);
    const r2 = equalOnFraction(t, r, 0.75);
    const [tv, rv, r2v] = run([t, r, r2]);
    let equal = 0;
    for (let i = 0; i < B; i++) {
      expect(tv[i]).toBeGreaterThanOrEqual(rv[i]);
      if (r2v[i] === tv[i]) equal++;
      else expect(r2v[i]).toBe(rv[i]);
    }
    expect(equal).toBe(Math.round(0.75 * B));
  });
});
