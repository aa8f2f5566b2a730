import { describe, expect, it } from 'vitest';
import { add, grad, input, mean, square, sub, sum } from '../../src/autodiff/index.ts';
import { correctorLoss, freeflowSchema, predictorLoss, splitBatch } from '../../src/methods/freeflow.ts';
import type { FlowMapFn, VelocityFn } from '../../src/methods/method.ts';
import { finiteDifference, GaussianFlow, lossContext, maxAbsDiff, run, testNet } from './helpers.ts';

const B = 16;
const gauss = new GaussianFlow([0.9, -1.4], 0.45);

function context(params: Record<string, unknown>, nets: Record<string, FlowMapFn>, teacher: VelocityFn) {
  return lossContext({ params: freeflowSchema.parse(params), batch: B, nets, teacher, data: null });
}

describe('FreeFlow (float64, data-free)', () => {
  it('the exact flow map of Gaussian data satisfies F + d dF/dd = u_T(f(z, d), 1 - d) (both predictor forms)', () => {
    for (const predictorForm of ['stopGradient', 'residual']) {
      const { residual } = predictorLoss(
        context({ predictorForm }, { net: gauss.flowMap }, gauss.velocity),
        B,
      );
      const [r] = run([residual], gauss.feeds());
      expect(maxAbsDiff(r, new Float64Array(r.length)), predictorForm).toBeLessThan(1e-12);
    }
    const shifted: FlowMapFn = (x, t, s) => add(gauss.flowMap(x, t, s), 0.05);
    const { loss } = predictorLoss(context({}, { net: shifted }, gauss.velocity), B);
    expect(run([loss], gauss.feeds())[0][0]).toBeGreaterThan(1e-4);
  });

  it("the corrector vanishes when the fake velocity equals the teacher's (student marginals = teacher marginals)", () => {
    const c = correctorLoss(
      context({}, { net: gauss.flowMap, fake: (x, t) => gauss.velocity(x, t) }, gauss.velocity),
      8,
    );
    expect(Math.abs(run([c], gauss.feeds())[0][0])).toBeLessThan(1e-24);
  });

  it("residual form: the gradient goes through the JVP and the teacher's input (equals finite differences)", () => {
    const net = testNet('net.', 31);
    const feeds = { ...net.feeds, ...gauss.feeds() };
    const { loss } = predictorLoss(
      context({ predictorForm: 'residual', weightPower: 0 }, { net: net.fn }, gauss.velocity),
      B,
    );
    const grads = run(grad(loss, net.params), feeds);
    const names = net.spec.map((p) => `net.${p.name}`);
    for (const [k, i] of [
      [0, 1],
      [1, 4],
      [2, 9],
      [names.length - 1, 0],
    ]) {
      const fd = finiteDifference(loss, feeds, names[k], i);
      expect(Math.abs(grads[k][i] - fd), `${names[k]}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it('stop-gradient form: the gradient is that of || F - c ||^2 with c = u_T(f, 1 - d) - d dF/dd held fixed', () => {
    const net = testNet('net.', 32);
    const feeds = { ...net.feeds, ...gauss.feeds() };
    const { loss, residual, F } = predictorLoss(
      context({ weightPower: 0 }, { net: net.fn }, gauss.velocity),
      B,
    );
    const [rv, fv] = run([residual, F], feeds);
    const c = Float64Array.from(fv, (v, i) => v - rv[i]);
    const fixed = mean(sum(square(sub(F, input('c', [B, 2]))), [1]));
    const [lv, fixedV] = run([loss, fixed], { ...feeds, c });
    expect(Math.abs(lv[0] - fixedV[0])).toBeLessThan(1e-12);
    const gStop = run(grad(loss, net.params), feeds);
    const gFixed = run(grad(fixed, net.params), { ...feeds, c });
    gStop.forEach((g, i) => expect(maxAbsDiff(g, gFixed[i])).toBeLessThan(1e-10));
    // ... and it is not the residual form's gradient (that one also flows through the JVP and u_T).
    const full = predictorLoss(
      context({ predictorForm: 'residual', weightPower: 0 }, { net: net.fn }, gauss.velocity),
      B,
    );
    expect(maxAbsDiff(run(grad(full.loss, [net.params[0]]), feeds)[0], gStop[0])).toBeGreaterThan(1e-6);
  });

  it('the corrector moves student samples toward the teacher: its gradient w.r.t. a mean shift points along the shift', () => {
    const shift = input('shift', [1, 2]);
    const student = new GaussianFlow([0, 0], 0.45, () => add(input('gauss.mu', [1, 2]), shift));
    const ctx = context(
      { weightPower: 0 },
      { net: student.flowMap, fake: (x, t) => student.velocity(x, t) },
      gauss.velocity,
    );
    const c = correctorLoss(ctx, 64);
    const delta = Float64Array.of(0.3, -0.2);
    const [g] = run(grad(c, [shift]), { ...gauss.feeds(), shift: delta });
    const along = g[0] * delta[0] + g[1] * delta[1];
    expect(along).toBeGreaterThan(0);
    // Gradient descent on the shift then reduces it: the gradient is nearly parallel to it.
    expect(along / (Math.hypot(g[0], g[1]) * Math.hypot(delta[0], delta[1]))).toBeGreaterThan(0.9);
  });

  it('splits the batch 75 / 25 between predictor and corrector (all predictor without the corrector)', () => {
    expect(splitBatch(1024, 0.75, true)).toEqual([768, 256]);
    expect(splitBatch(1024, 0.75, false)).toEqual([1024, 0]);
    expect(splitBatch(2, 0.75, true)).toEqual([1, 1]);
  });
});
