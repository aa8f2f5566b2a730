/** The loss history a checkpoint carries: thinned, round-tripped, read by the page's store, refused cleanly. */
import { describe, expect, it } from 'vitest';
import { createPlaygroundStore } from '../../src/state/store.ts';
import {
  decodeHistory,
  encodeCheckpoint,
  LossHistory,
  MAX_POINTS,
} from '../../src/train/checkpoint/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';

const summary = (step: number, loss: number) => ({
  step,
  stage: 'student' as const,
  losses: { loss, fm: loss / 2 },
  stepsPerSecond: 10,
  diverged: false,
});

const bytes = (u: Uint8Array) => u.slice().buffer as ArrayBuffer;

describe('checkpoint loss history', () => {
  it('thins a long run to at most MAX_POINTS, keeps the last point and writes NaN as null', () => {
    const h = new LossHistory();
    for (let i = 1; i <= 1000; i++) h.add(summary(i * 10, i === 500 ? Number.NaN : 1 / i));
    const points = decodeHistory(h.encode())!;
    expect(points.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(points.length).toBeGreaterThan(MAX_POINTS / 2);
    expect(points.at(-1)).toEqual({ step: 10_000, stage: 'student', losses: { loss: 1e-3, fm: 5e-4 } });
    expect(points[0].step).toBe(10);
    const short = new LossHistory();
    short.add(summary(5, Number.POSITIVE_INFINITY));
    expect(decodeHistory(short.encode())![0].losses.loss).toBeNaN();
  });

  it('is optional, and a malformed one is named', () => {
    expect(decodeHistory(undefined)).toBeNull();
    expect(() => decodeHistory('{')).toThrow(/not valid JSON/);
    expect(() => decodeHistory('{"v":2,"points":[]}')).toThrow(/unknown layout/);
    expect(() => decodeHistory('{"v":1,"points":[{"step":-1,"stage":"student","losses":{}}]}')).toThrow();
  });

  it('an opened checkpoint puts its history in the store; a reset clears it; a bad one still loads', () => {
    const config = resolveExperiment({ method: 'fm', dataset: 'moons', net: { width: 8, depth: 1 } });
    const params = new Map([['layers.0.weight', { shape: [1], data: new Float32Array([1]) }]]);
    const h = new LossHistory();
    h.add(summary(100, 0.5));
    h.add(summary(200, 0.25));
    const store = createPlaygroundStore();
    store
      .getState()
      .loadCheckpoint(bytes(encodeCheckpoint(params, config, { step: '200', history: h.encode() })), 'a');
    expect(store.getState().history?.map((p) => p.step)).toEqual([100, 200]);
    store.getState().reset();
    expect(store.getState().history).toBeNull();
    store
      .getState()
      .loadCheckpoint(
        bytes(encodeCheckpoint(params, config, { step: '200', history: '[' })),
        'b.safetensors',
      );
    expect(store.getState().history).toBeNull();
    expect(store.getState().status.step).toBe(200);
    expect(
      store
        .getState()
        .notices.map((n) => n.text)
        .join('\n'),
    ).toMatch(/^b\.safetensors: its loss history .* not valid JSON/m);
  });
});
