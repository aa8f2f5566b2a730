import { describe, expect, it } from 'vitest';
import { add, grad, input, mul, type Tensor } from '../../src/autodiff/index.ts';
import { terminalDerivative } from '../../src/methods/flowmap.ts';
import type { FlowMapFn } from '../../src/methods/method.ts';
import { tvm, tvmSchema } from '../../src/methods/tvm.ts';
import { column, finiteDifference, GaussianFlow, lossContext, maxAbsDiff, run, testNet } from './helpers.ts';

const net = testNet('net.', 21);
const zero: FlowMapFn = (x: Tensor) => mul(x, 0);
const B = 16;

function tvmLoss(params: Record<string, unknown>, nets: Record<string, FlowMapFn>, data: string | Tensor) {
  const ctx = lossContext({ params: tvmSchema.parse(params), batch: B, nets, data });
  return tvm.stages[0].main.buildLoss(ctx);
}

describe('TVM (float64)', () => {
  it('the terminal derivative d/ds f = F + (s - t) dF/ds equals a central finite difference of f in s', () => {
    const tc = column('t', [0.9, 0.7, 0.4]);
    const sc = column('s', [0.2, 0.7, 0.1]);
    const x = input('x', [3, 2]);
    const feeds = { ...net.feeds, ...tc.feeds, ...sc.feeds, x: Float64Array.of(0.5, -1, 2, 0.3, -0.7, 0.9) };
    const { f, dfds } = terminalDerivative(net.fn, x, tc.t, sc.t);
    const [d] = run([dfds], feeds);
    const h = 1e-5;
    const fAt = (dh: number) => run([f], { ...feeds, s: Float64Array.from(sc.feeds.s, (v) => v + dh) })[0];
    const fp = fAt(h);
    const fm = fAt(-h);
    const fd = Float64Array.from(fp, (v, i) => (v - fm[i]) / (2 * h));
    expect(maxAbsDiff(d, fd)).toBeLessThan(1e-8);
  });

  it('gradients flow THROUGH the JVP: dL/dtheta equals finite differences of the loss (target fixed)', () => {
    const loss = tvmLoss({}, { net: net.fn, target: zero }, '8gaussians').total;
    const grads = run(grad(loss, net.params), net.feeds);
    const names = net.spec.map((p) => `net.${p.name}`);
    for (const [k, i] of [
      [0, 0],
      [0, 5],
      [1, 3],
      [2, 7],
      [names.length - 1, 1],
    ]) {
      const fd = finiteDifference(loss, net.feeds, names[k], i);
      expect(Math.abs(grads[k][i] - fd), `${names[k]}[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it('detachJvp stops the gradient through dF/ds (the gradient then differs from the full one)', () => {
    const full = tvmLoss({}, { net: net.fn, target: zero }, '8gaussians').total;
    const detached = tvmLoss({ detachJvp: true }, { net: net.fn, target: zero }, '8gaussians').total;
    const [gFull] = run(grad(full, [net.params[0]]), net.feeds);
    const [gDet] = run(grad(detached, [net.params[0]]), net.feeds);
    const [lf, ld] = run([full, detached], net.feeds);
    expect(lf[0]).toBeCloseTo(ld[0], 12);
    expect(maxAbsDiff(gFull, gDet)).toBeGreaterThan(1e-4);
  });

  it('the exact flow map of Gaussian data, as both network and target, has zero terminal loss', () => {
    const gauss = new GaussianFlow([1.5, -0.5], 0.4);
    const terms = tvmLoss({}, { net: gauss.flowMap, target: gauss.flowMap }, input('data', [B, 2])).terms;
    const data = Float64Array.from({ length: 2 * B }, (_, i) => gauss.mu[i % 2] + 0.4 * Math.sin(5 * i));
    const [terminal, fm] = run([terms.terminal, terms.fm], { ...gauss.feeds(), data });
    expect(terminal[0]).toBeLessThan(1e-20);
    expect(fm[0]).toBeGreaterThan(0);
  });

  it('uses AdamW betas (0.9, 0.95) by default and reads its target from the EMA network', () => {
    const p = tvmSchema.parse({});
    expect(tvm.stages[0].main.optimizer!(p)).toEqual({ beta1: 0.9, beta2: 0.95 });
    expect(tvm.networks.target.emaOf).toEqual({ source: 'net', decayParam: 'targetEma' });
    expect(p.targetEma).toBe(0.99);
  });

  it('zeroes non-finite per-sample losses (official nan_to_num)', () => {
    const withNan = tvmLoss(
      {},
      { net: (x, t, s) => add(net.fn(x, t, s), mul(input('nan', [1, 1]), 1)), target: zero },
      '8gaussians',
    );
    const [v] = run([withNan.total], { ...net.feeds, nan: Float64Array.of(NaN) });
    expect(v[0]).toBe(0);
  });
});
