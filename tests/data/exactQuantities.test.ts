import { describe, expect, it } from 'vitest';
import { normalAt } from '../../src/engine/cpu/philox.ts';
import {
  DATASETS,
  checkerboardDensity,
  datasetDensity,
  datasetInfo,
  eightGaussians,
  gmmDenoiser,
  gmmDensity,
  gmmPosterior,
  gmmVelocity,
  gmmVelocityAt,
  sampleReference,
  type GaussianMixture,
} from '../../src/data/index.ts';
import { histogram2d } from '../../src/train/metrics/index.ts';

const gmm = eightGaussians();

/** Riemann sum of f over [-b, b]^2 with step h (cell centres). */
function integrate(f: (x: number, y: number) => number, b: number, h: number): number {
  let s = 0;
  for (let x = -b + h / 2; x < b; x += h) for (let y = -b + h / 2; y < b; y += h) s += f(x, y);
  return s * h * h;
}

describe('catalogue and densities', () => {
  it('lists every dataset with a title, a description and a box', () => {
    expect(DATASETS.map((d) => d.name).sort()).toEqual([
      '8gaussians',
      'checkerboard',
      'gmm3',
      'moons',
      'pinwheel',
      'rings',
      'spirals',
      'swissroll',
    ]);
    for (const d of DATASETS) expect(d.title.length * d.description.length * d.box).toBeGreaterThan(0);
    expect(() => datasetInfo('nope')).toThrow(/8gaussians/);
  });

  it('the closed-form densities integrate to 1 and agree with the samples histogram', () => {
    for (const name of ['8gaussians', 'checkerboard']) {
      const p = datasetDensity(name)!;
      expect(datasetInfo(name).hasDensity).toBe(true);
      expect(integrate(p, 6, 0.02)).toBeCloseTo(1, 3);
      // Histogram of 65536 samples on a 16 x 16 grid against the density's cell masses.
      const grid = { box: 4.5, bins: 16 };
      const h = histogram2d(sampleReference(name, 65536, 1), grid);
      const cell = 9 / 16;
      let tv = 0;
      for (let iy = 0; iy < 16; iy++)
        for (let ix = 0; ix < 16; ix++) {
          const mass = integrate(
            (x, y) => p(-4.5 + (ix + 0.5) * cell + x, -4.5 + (iy + 0.5) * cell + y),
            cell / 2,
            cell / 20,
          );
          tv += Math.abs(mass - h[iy * 16 + ix]);
        }
      expect(tv / 2, name).toBeLessThan(0.03);
    }
    expect(datasetDensity('moons')).toBeUndefined();
    expect(checkerboardDensity(1, 1)).toBe(1 / 32);
    expect(checkerboardDensity(-1, 1)).toBe(0);
  });
});

/** u(z, t) = E[(z - x) / t | z] by quadrature of the posterior p(x | z) ~ p(x) N(z; (1 - t) x, t^2 I). */
function velocityByQuadrature(m: GaussianMixture, zx: number, zy: number, t: number): [number, number] {
  let w = 0;
  let ex = 0;
  let ey = 0;
  const h = 0.01;
  for (let x = -6; x < 6; x += h)
    for (let y = -6; y < 6; y += h) {
      const q =
        gmmDensity(m, x, y) * Math.exp(-((zx - (1 - t) * x) ** 2 + (zy - (1 - t) * y) ** 2) / (2 * t * t));
      w += q;
      ex += q * x;
      ey += q * y;
    }
  return [(zx - ex / w) / t, (zy - ey / w) / t];
}

describe('exact linear-path quantities of a Gaussian mixture', () => {
  const uneven: GaussianMixture = {
    means: [
      [-2, 0.5],
      [1.5, -1],
      [0, 2],
    ],
    stds: [0.3, 0.6, 0.45],
    weights: [0.5, 0.2, 0.3],
  };

  it('the velocity equals E[e - x | z_t = z] computed by quadrature', () => {
    for (const [zx, zy, t] of [
      [0.3, -0.7, 0.5],
      [-1.9, 0.4, 0.2],
      [1, 1, 0.8],
    ]) {
      const [ux, uy] = gmmVelocityAt(uneven, zx, zy, t);
      const [qx, qy] = velocityByQuadrature(uneven, zx, zy, t);
      expect(Math.abs(ux - qx) + Math.abs(uy - qy)).toBeLessThan(1e-6);
    }
  });

  it('is -z at t = 0 and z - E[x] at t = 1; the denoiser is z - t u and the posterior mean', () => {
    expect(gmmVelocityAt(uneven, 0.7, -0.2, 0)).toEqual([expect.closeTo(-0.7, 12), expect.closeTo(0.2, 12)]);
    const mean = [0, 1].map((j) => uneven.means.reduce((s, m, k) => s + uneven.weights[k] * m[j], 0));
    const [u1x, u1y] = gmmVelocityAt(uneven, 0.7, -0.2, 1);
    expect(u1x).toBeCloseTo(0.7 - mean[0], 12);
    expect(u1y).toBeCloseTo(-0.2 - mean[1], 12);
    for (const t of [0.1, 0.5, 0.9]) {
      const [ux, uy] = gmmVelocityAt(uneven, 0.4, 1.1, t);
      const [dx, dy] = gmmDenoiser(uneven, 0.4, 1.1, t);
      expect(dx).toBeCloseTo(0.4 - t * ux, 12);
      expect(dy).toBeCloseTo(1.1 - t * uy, 12);
      const post = gmmPosterior(uneven, 0.4, 1.1, t);
      expect(post.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // Posterior variance: s^2 t^2 / ((1 - t)^2 s^2 + t^2).
      const s2 = 0.09;
      expect(post.stds[0] ** 2).toBeCloseTo((s2 * t * t) / ((1 - t) ** 2 * s2 + t * t), 12);
    }
  });

  it('stays finite far from every mode (log-sum-exp)', () => {
    const [ux, uy] = gmmVelocityAt(gmm, 60, -45, 0.01);
    expect(Number.isFinite(ux) && Number.isFinite(uy)).toBe(true);
  });

  it('is the fixed point of the flow-matching loss (Monte Carlo against perturbed fields)', () => {
    const n = 40000;
    const x = sampleReference('8gaussians', n, 4);
    const z = new Float64Array(2 * n);
    const t = new Float64Array(n);
    const target = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      t[i] = (i + 0.5) / n;
      for (let j = 0; j < 2; j++) {
        const e = normalAt(9, j, 0, i);
        z[2 * i + j] = (1 - t[i]) * x[2 * i + j] + t[i] * e;
        target[2 * i + j] = e - x[2 * i + j];
      }
    }
    const loss = (u: Float64Array) => u.reduce((s, v, k) => s + (v - target[k]) ** 2, 0) / n;
    const exact = gmmVelocity(gmm, z, t);
    const best = loss(exact);
    const fields: ((zx: number, zy: number, t: number) => [number, number])[] = [
      () => [0.1, 0],
      (zx, zy) => [0.1 * zx, 0.1 * zy],
      (zx, zy, tt) => [0.2 * Math.sin(zy) * tt, -0.2 * Math.cos(zx)],
    ];
    for (const h of fields) {
      // loss(u* + h) - loss(u*) = mean |h|^2 + 2 mean h . (u* - target); at the conditional mean the cross
      // term has expectation 0, so it must lie within 4 standard errors of 0 while the excess stays > 0.
      const c = new Float64Array(n);
      let hNorm = 0;
      for (let i = 0; i < n; i++) {
        const hv = h(z[2 * i], z[2 * i + 1], t[i]);
        c[i] = hv[0] * (exact[2 * i] - target[2 * i]) + hv[1] * (exact[2 * i + 1] - target[2 * i + 1]);
        hNorm += (hv[0] ** 2 + hv[1] ** 2) / n;
      }
      const mean = c.reduce((a, b) => a + b, 0) / n;
      const se = Math.sqrt(c.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
      expect(Math.abs(mean), `cross term ${mean} vs standard error ${se}`).toBeLessThan(4 * se);
      for (const eps of [-1, 1]) {
        const u = exact.map((v, k) => v + eps * h(z[k - (k % 2)], z[k - (k % 2) + 1], t[k >> 1])[k % 2]);
        expect(loss(u)).toBeGreaterThan(best);
      }
      expect(hNorm).toBeGreaterThan(8 * se);
    }
    // A wrong mixture (stds doubled) is clearly worse.
    const wrong = gmmVelocity({ ...gmm, stds: gmm.stds.map((s) => 2 * s) }, z, t);
    expect(loss(wrong)).toBeGreaterThan(best + 0.02);
  });
});
