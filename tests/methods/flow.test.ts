import { describe, expect, it } from 'vitest';
import { add, input, mul, sin, type Tensor } from '../../src/autodiff/index.ts';
import { flowMatchingLoss, odeSample } from '../../src/methods/fm.ts';
import { diagonal, flowMap, odeSolveBetween } from '../../src/methods/flow.ts';
import type { FlowMapFn, VelocityFn } from '../../src/methods/method.ts';
import { column, GaussianFlow, lossContext, maxAbsDiff, run, scalar } from './helpers.ts';
import { eightGaussiansTeacher } from './helpers.ts';

const gauss = new GaussianFlow([0.7, -1.2], 0.5);

describe('Flow Matching on Gaussian-mixture data (float64)', () => {
  const asFlowMap =
    (u: VelocityFn): FlowMapFn =>
    (x, t) =>
      u(x, t);
  const fmLossOf = (u: VelocityFn) => {
    const ctx = lossContext({ params: {}, batch: 4096, data: '8gaussians' });
    return scalar(flowMatchingLoss(ctx, asFlowMap(u), 'uniform', 0, 1), {});
  };

  it('the analytic velocity has a lower FM loss than perturbed fields (same batch and times)', () => {
    const exact = fmLossOf(eightGaussiansTeacher);
    const perturbations: ((x: Tensor, t: Tensor) => Tensor)[] = [
      (x) => mul(sin(x), 0.1),
      (_x, t) => mul(t, 0.05),
      (x, t) => mul(mul(x, t), -0.05),
    ];
    for (const p of perturbations) {
      expect(fmLossOf((x, t) => add(eightGaussiansTeacher(x, t), p(x, t)))).toBeGreaterThan(exact);
    }
    expect(Number.isFinite(exact)).toBe(true);
  });
});

describe('ODE solvers and flow maps against the exact Gaussian flow', () => {
  it('integrating the exact velocity from 1 to 0 pushes noise e to mu + sigma e (all three solvers)', () => {
    const n = 5;
    const e = input('e', [n, 2]);
    const ev = Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(3 * i + 1) * 1.5);
    const want = Float64Array.from(ev, (v, i) => gauss.mu[i % 2] + gauss.sigma * v);
    for (const [solver, steps, tol] of [
      ['heun', 200, 1e-5],
      ['midpoint', 200, 1e-5],
      ['euler', 2000, 2e-3],
    ] as const) {
      const r = odeSample(gauss.velocity, e, steps, solver);
      const [x] = run([r.samples], { e: ev, ...gauss.feeds() });
      expect(maxAbsDiff(x, want), solver).toBeLessThan(tol);
    }
  });

  it('the in-graph teacher ODE from per-sample t to s matches the exact flow map and its average velocity', () => {
    const ts = [1, 0.9, 0.6, 0.35];
    const ss = [0, 0.2, 0.6, 0.05];
    const tc = column('t', ts);
    const sc = column('s', ss);
    const x = input('x', [4, 2]);
    const xv = Float64Array.from([0.3, -0.4, 1.2, 0.8, -0.5, 0.1, 0.9, -1.7]);
    const { end, average } = odeSolveBetween(gauss.velocity, x, tc.t, sc.t, 256, 'heun');
    const exactF = gauss.flowMap(x, tc.t, sc.t);
    const [ev, av, fv] = run([end, average, exactF], { x: xv, ...tc.feeds, ...sc.feeds, ...gauss.feeds() });
    for (let i = 0; i < 4; i++) {
      const want = gauss.psi([xv[2 * i], xv[2 * i + 1]], ts[i], ss[i]);
      expect(maxAbsDiff(ev.subarray(2 * i, 2 * i + 2), want)).toBeLessThan(5e-6);
    }
    // Row 2 has s = t: the average velocity is then u(x, t) exactly, with no 0/0.
    expect(maxAbsDiff(av, fv)).toBeLessThan(5e-6);
  });

  it('the closed-form F* is the flow map (f = psi) and its diagonal is the velocity', () => {
    const tc = column('t', [0.8, 0.5, 0.3]);
    const sc = column('s', [0.1, 0.5, 0]);
    const x = input('x', [3, 2]);
    const xv = Float64Array.from([1, 2, -1, 0.5, 0.2, -0.3]);
    const feeds = { x: xv, ...tc.feeds, ...sc.feeds, ...gauss.feeds() };
    const [f, diag, u] = run(
      [flowMap(gauss.flowMap, x, tc.t, sc.t), diagonal(gauss.flowMap)(x, tc.t), gauss.velocity(x, tc.t)],
      feeds,
    );
    [0.8, 0.5, 0.3].forEach((t, i) => {
      const want = gauss.psi([xv[2 * i], xv[2 * i + 1]], t, [0.1, 0.5, 0][i]);
      expect(maxAbsDiff(f.subarray(2 * i, 2 * i + 2), want)).toBeLessThan(1e-12);
    });
    expect(maxAbsDiff(diag, u)).toBeLessThan(1e-12);
  });
});
