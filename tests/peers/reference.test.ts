// The benchmark's inputs and its float64 reference, checked without a GPU: the reference against
// closed forms, and against our step graph run by the float64 executor (two independent routes).
import { describe, expect, it } from 'vitest';
import { evalCpu } from '../../src/autodiff/index.ts';
import { buildStepGraph } from '../../bench/peers/ourGraph.ts';
import {
  initialWeights,
  makeBatch,
  LAYER_SIZES,
  STEP_KINDS,
  fromInOut,
  transposed,
} from '../../bench/peers/problem.ts';
import { network, networkJvpFd, referenceLoss, toNet64, type Net64 } from '../../bench/peers/reference.ts';

describe('benchmark inputs', () => {
  it('are deterministic, f32, with s <= t in (0, 1)', () => {
    const a = makeBatch(33);
    const b = makeBatch(33);
    expect(a.x).toEqual(b.x);
    expect(a.e).toEqual(b.e);
    for (let i = 0; i < 33; i++) {
      expect(a.s[i]).toBeLessThanOrEqual(a.t[i]);
      expect(a.s[i]).toBeGreaterThan(0);
      expect(a.t[i]).toBeLessThan(1);
    }
    expect(makeBatch(33, 8).x).not.toEqual(a.x);
  });

  it('initial weights follow PyTorch nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in))', () => {
    const ws = initialWeights();
    expect(ws.map((w) => [w.fanIn, w.fanOut])).toEqual(
      LAYER_SIZES.slice(0, -1).map((n, l) => [n, LAYER_SIZES[l + 1]]),
    );
    for (const w of ws) {
      const bound = 1 / Math.sqrt(w.fanIn);
      const all = [...w.weight, ...w.bias];
      expect(Math.max(...all.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...all.map(Math.abs))).toBeGreaterThan(0.9 * bound);
      const mean = all.reduce((p, x) => p + x, 0) / all.length;
      expect(Math.abs(mean)).toBeLessThan(0.1 * bound);
    }
    const w = ws[1];
    expect(fromInOut(w.fanIn, w.fanOut, transposed(w), w.bias).weight).toEqual(w.weight);
  });
});

describe('float64 reference', () => {
  it('is the network in closed form when only the output bias is nonzero', () => {
    const net = toNet64(initialWeights());
    const last = net.layers[net.layers.length - 1];
    last.weight.fill(0);
    last.bias.set([0.3, -0.7]);
    const b = makeBatch(9);
    let want = 0;
    for (let i = 0; i < 9; i++) {
      const v0 = b.e[2 * i] - b.x[2 * i];
      const v1 = b.e[2 * i + 1] - b.x[2 * i + 1];
      want += (0.3 - v0) ** 2 + (-0.7 - v1) ** 2;
    }
    expect(referenceLoss('fm', net, b)).toBeCloseTo(want / 9, 12);
  });

  it('finite-difference JVP of a linear network is exact', () => {
    const lin: Net64 = {
      layers: [
        {
          fanIn: 4,
          fanOut: 2,
          weight: Float64Array.of(1, 2, 3, 4, -1, 0.5, 2, -3),
          bias: Float64Array.of(0.1, 0.2),
        },
      ],
    };
    const y = network(lin, [1, 1], 0.5, 0.25);
    expect(y[0]).toBeCloseTo(1 + 2 + 1.5 + 1 + 0.1, 12);
    expect(y[1]).toBeCloseTo(-1 + 0.5 + 1 - 0.75 + 0.2, 12);
    const d = networkJvpFd(lin, [0.3, -0.2], 0.4, 0.1, [1, -2], 1, 1);
    expect(d[0]).toBeCloseTo(1 - 4 + 3 + 4, 8);
    expect(d[1]).toBeCloseTo(-1 - 1 + 2 - 3, 8);
  });

  it.each(STEP_KINDS)('%s loss equals our step graph run by the float64 executor', (kind) => {
    const ws = initialWeights();
    const b = makeBatch(12, 3);
    const g = buildStepGraph(kind, b, ws);
    const [loss] = evalCpu([g.loss], g.feeds, { seed: 0, step: 0 });
    const ref = referenceLoss(kind, toNet64(ws), b);
    expect(Math.abs(loss[0] - ref) / ref).toBeLessThan(1e-7);
  });
});
