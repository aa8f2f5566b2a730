import { describe, expect, it } from 'vitest';
import { grad, input, mean } from '../../src/autodiff/index.ts';
import { generatorMatching, matchingTimes } from '../../src/methods/distributionMatching.ts';
import { dmd, dmdSchema, stepRows } from '../../src/methods/dmd.ts';
import type { FlowMapFn, OptimizerGroup, VelocityFn } from '../../src/methods/method.ts';
import { GaussianFlow, lossContext, maxAbsDiff, run, testNet } from './helpers.ts';

const B = 16;
const gauss = new GaussianFlow([0.9, -1.4], 0.45);
const student = dmd.stages[1];
const main = student.main as OptimizerGroup<unknown>;
const fakeGroup = student.extra![0] as OptimizerGroup<unknown>;

function context(params: Record<string, unknown>, nets: Record<string, FlowMapFn>, teacher: VelocityFn) {
  return lossContext({ params: dmdSchema.parse(params), batch: B, nets, teacher, data: null });
}

const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

describe('DMD / DMD2 / VSD (float64)', () => {
  it("DMD2's x0-space gradient: d loss / dx = (x0_fake - x0_real) / mean|x - x0_real| per sample, x0 = x_r - r v", () => {
    const fake = testNet('fake.', 41);
    const x = input('x', [B, 2]);
    const noise = input('n', [B, 2]);
    const ctx = context({}, { fake: fake.fn }, gauss.velocity);
    const r = matchingTimes(ctx.random, B);
    for (const form of ['dmd2', 'vsd'] as const) {
      const { perSample } = generatorMatching(form, gauss.velocity, fake.fn, x, noise, r);
      const loss = mean(perSample);
      const xr = input('xr', [B, 2]);
      const rr = input('rr', [B, 1]);
      const feeds = {
        ...fake.feeds,
        ...gauss.feeds(),
        x: Float64Array.from({ length: 2 * B }, (_, i) => Math.sin(i * 0.7) * 1.3),
        n: Float64Array.from({ length: 2 * B }, (_, i) => Math.cos(i * 1.1)),
      };
      const [gx, rv] = run([grad(loss, [x])[0], r], feeds);
      const xrv = feeds.x.map((v, i) => (1 - rv[i >> 1]) * v + rv[i >> 1] * feeds.n[i]);
      const [vReal, vFake] = run([gauss.velocity(xr, rr), fake.fn(xr, rr, rr)], {
        ...feeds,
        xr: xrv,
        rr: rv,
      });
      for (let b = 0; b < B; b++) {
        const t = rv[b];
        expect(t).toBeGreaterThanOrEqual(0.02);
        expect(t).toBeLessThanOrEqual(0.98);
        const x0r = [0, 1].map((d) => xrv[2 * b + d] - t * vReal[2 * b + d]);
        const x0f = [0, 1].map((d) => xrv[2 * b + d] - t * vFake[2 * b + d]);
        const scale = (Math.abs(feeds.x[2 * b] - x0r[0]) + Math.abs(feeds.x[2 * b + 1] - x0r[1])) / 2;
        for (const d of [0, 1]) {
          const want =
            form === 'dmd2' ? (x0f[d] - x0r[d]) / scale : (1 - t) * (vReal[2 * b + d] - vFake[2 * b + d]); // eps_real - eps_fake
          expect(Math.abs(gx[2 * b + d] * B - want), `${form} row ${b}`).toBeLessThan(1e-10);
        }
      }
    }
  });

  it("the generator term vanishes when the fake velocity equals the teacher's", () => {
    for (const variant of ['dmd2', 'vsd']) {
      const loss = main.buildLoss(
        context({ variant }, { net: gauss.flowMap, fake: (x, t) => gauss.velocity(x, t) }, gauss.velocity),
      );
      expect(Math.abs(run([loss.total], gauss.feeds())[0][0]), variant).toBeLessThan(1e-24);
    }
  });

  it("the fake network's loss sends no gradient to the generator, and the generator loss none to the fake net", () => {
    const net = testNet('net.', 42);
    const fake = testNet('fake.', 43);
    const feeds = { ...net.feeds, ...fake.feeds, ...gauss.feeds() };
    for (const steps of [1, 2]) {
      const nets = { net: net.fn, fake: fake.fn };
      const fl = fakeGroup.buildLoss(context({ steps }, nets, gauss.velocity)).total;
      const fakeOnNet = run(grad(fl, net.params), feeds);
      const fakeOnFake = run(grad(fl, fake.params), feeds);
      fakeOnNet.forEach((g) => expect(norm(g), `fake loss -> generator (steps ${steps})`).toBe(0));
      expect(norm(fakeOnFake[0])).toBeGreaterThan(1e-6);
      const gl = main.buildLoss(context({ steps, variant: 'dmd' }, nets, gauss.velocity)).total;
      run(grad(gl, fake.params), feeds).forEach((g) =>
        expect(norm(g), `generator loss -> fake net (steps ${steps})`).toBe(0),
      );
      expect(norm(run(grad(gl, net.params), feeds)[0])).toBeGreaterThan(1e-6);
    }
  });

  it("dmd: the regression target is the teacher's ODE output from the same noise (the exact flow map fits it)", () => {
    const terms = main.buildLoss(
      context(
        { variant: 'dmd', teacherSteps: 16 },
        { net: gauss.flowMap, fake: (x, t) => gauss.velocity(x, t) },
        gauss.velocity,
      ),
    ).terms;
    const [reg, dm] = run([terms.regression, terms.dm], gauss.feeds());
    expect(reg[0]).toBeLessThan(1e-6);
    expect(Math.abs(dm[0])).toBeLessThan(1e-24);
    const off = main.buildLoss(
      context(
        { variant: 'dmd', teacherSteps: 1 },
        { net: gauss.flowMap, fake: (x, t) => gauss.velocity(x, t) },
        gauss.velocity,
      ),
    ).terms.regression;
    expect(run([off], gauss.feeds())[0][0]).toBeGreaterThan(1e-4); // one Euler step is not the flow
  });

  it('a multi-step student splits the batch per step and draws fresh noise at every backward-simulation step', () => {
    expect(stepRows(16, 1)).toEqual([16]);
    expect(stepRows(16, 4)).toEqual([4, 4, 4, 4]);
    expect(stepRows(10, 4)).toEqual([2, 2, 2, 4]);
    const draws: string[] = [];
    const ctx = context({ steps: 4 }, { net: gauss.flowMap, fake: gauss.flowMap }, gauss.velocity);
    const random = ctx.random;
    ctx.random = (shape, dist) => (draws.push(`${shape}:${dist}`), random(shape, dist));
    main.buildLoss(ctx);
    // part k: its start noise + k fresh noises; then r and the re-noising noise of the whole batch.
    expect(draws.filter((d) => d === '4,2:normal')).toHaveLength(1 + 2 + 3 + 4);
    expect(draws.slice(-2)).toEqual(['16,1:uniform', '16,2:normal']);
  });

  it('samples: one jump is G(e) = f(e, 1, 0); k jumps re-noise with fresh noise in between', () => {
    const e = input('e', [8, 2]);
    const feeds = { ...gauss.feeds(), e: Float64Array.from({ length: 16 }, (_, i) => Math.sin(i + 0.3)) };
    const ctx = { params: dmdSchema.parse({}), net: gauss.flowMap, teacher: gauss.velocity };
    const one = dmd.sample(ctx, e, { steps: 1 });
    const [x] = run([one.samples], feeds);
    const want = Array.from({ length: 8 }, (_, i) =>
      gauss.psi([feeds.e[2 * i], feeds.e[2 * i + 1]], 1, 0),
    ).flat();
    expect(maxAbsDiff(x, want)).toBeLessThan(1e-12);
    const four = dmd.sample(ctx, e, { steps: 4 });
    expect(four.trajectory.shape).toEqual([5, 8, 2]);
    expect(four.nfe).toBe(4);
  });
});
