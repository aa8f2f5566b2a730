import { describe, expect, it } from 'vitest';
import { input, mul, sum } from '../../src/autodiff/ops.ts';
import { grad } from '../../src/autodiff/vjp.ts';
import { evalCpu } from '../../src/autodiff/evalCpu.ts';
import { eightGaussians, gmmVelocity, sampleReference, type GaussianMixture } from '../../src/data/index.ts';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { GmmGraphShapeError, gmmVelocityGraph } from '../../src/nn/gmmVelocity.ts';

function check(gmm: GaussianMixture, z: Float64Array, t: Float64Array) {
  const b = t.length;
  const out = gmmVelocityGraph(gmm, input('z', [b, 2]), input('t', [b, 1]));
  expect(out.shape).toEqual([b, 2]);
  const [graph] = evalCpu([out], { z, t }, { seed: 0, step: 0 });
  const exact = gmmVelocity(gmm, z, t);
  let worst = 0;
  for (let i = 0; i < exact.length; i++)
    worst = Math.max(worst, Math.abs(graph[i] - exact[i]) / (1 + Math.abs(exact[i])));
  expect(worst).toBeLessThan(1e-12);
}

describe('the exact GMM velocity as a graph', () => {
  it('matches the float64 function for 8 gaussians over the whole path (t from 0 to 1)', () => {
    const b = 257;
    const t = Float64Array.from({ length: b }, (_, i) => i / (b - 1));
    const x = sampleReference('8gaussians', b, 3);
    const z = x.map((v, k) => (1 - t[k >> 1]) * v + t[k >> 1] * normalAt(5, 0, 0, k));
    check(eightGaussians(), z, t);
  });

  it('matches for an uneven mixture (weights and stds differ), also far from every mode', () => {
    const gmm: GaussianMixture = {
      means: [
        [-2, 0.5],
        [1.5, -1],
        [0, 2],
      ],
      stds: [0.3, 0.6, 0.45],
      weights: [0.5, 0.2, 0.3],
    };
    const b = 17;
    const t = Float64Array.from({ length: b }, (_, i) => 0.01 + 0.98 * uniformAt(1, 0, 0, i));
    const z = Float64Array.from({ length: 2 * b }, (_, k) => 3 * normalAt(2, 0, 0, k));
    z[0] = 80;
    z[1] = -60;
    check(gmm, z, t);
  });

  it('is differentiable: d/dz and d/dt of sum(c . u) match central differences of the float64 function', () => {
    const gmm: GaussianMixture = {
      means: [
        [-2, 0.5],
        [1.5, -1],
        [0, 2],
      ],
      stds: [0.3, 0.6, 0.45],
      weights: [0.5, 0.2, 0.3],
    };
    const b = 5;
    const z = Float64Array.from({ length: 2 * b }, (_, k) => 1.5 * normalAt(7, 0, 0, k));
    const t = Float64Array.from({ length: b }, (_, i) => 0.1 + 0.8 * uniformAt(7, 1, 0, i));
    const c = Float64Array.from({ length: 2 * b }, (_, k) => normalAt(7, 2, 0, k));
    const zi = input('z', [b, 2]);
    const ti = input('t', [b, 1]);
    const loss = sum(mul(gmmVelocityGraph(gmm, zi, ti), input('c', [b, 2])));
    const [gz, gt] = evalCpu(grad(loss, [zi, ti]), { z, t, c }, { seed: 0, step: 0 });
    const f = (zz: Float64Array, tt: Float64Array) =>
      gmmVelocity(gmm, zz, tt).reduce((s, v, k) => s + v * c[k], 0);
    const h = 1e-6;
    for (let k = 0; k < 2 * b; k++) {
      const zp = z.slice();
      const zm = z.slice();
      zp[k] += h;
      zm[k] -= h;
      expect(gz[k]).toBeCloseTo((f(zp, t) - f(zm, t)) / (2 * h), 5);
    }
    for (let i = 0; i < b; i++) {
      const tp = t.slice();
      const tm = t.slice();
      tp[i] += h;
      tm[i] -= h;
      expect(gt[i]).toBeCloseTo((f(z, tp) - f(z, tm)) / (2 * h), 5);
    }
  });

  it('rejects inputs of the wrong shape', () => {
    expect(() => gmmVelocityGraph(eightGaussians(), input('z', [4, 3]), input('t', [4, 1]))).toThrow(
      GmmGraphShapeError,
    );
  });
});
