import { describe, expect, it } from 'vitest';
import { evalCpu, grad, type Tensor } from '../../src/autodiff/index.ts';
import { fm } from '../../src/methods/fm.ts';
import type { Method } from '../../src/methods/method.ts';
import { parseExperiment } from '../../src/train/config.ts';
import { initialNetworkValues } from '../../src/train/networks.ts';
import { ACC, buildStageGraph, momentName, stepName } from '../../src/train/stageGraph.ts';
import { sizeOf } from '../../src/autodiff/graph.ts';

const config = parseExperiment({
  method: 'fm',
  dataset: '8gaussians',
  net: { width: 16, depth: 2 },
  train: { batch: 256, lr: 0.01, ema: 0.9 },
});
const method = fm as unknown as Method;
const params = fm.schema.parse({});

function initialState(g: ReturnType<typeof buildStageGraph>): Record<string, Float64Array> {
  const s: Record<string, Float64Array> = { ...initialNetworkValues(method, config) };
  for (const [k, shape] of Object.entries(g.zeroState)) s[k] = new Float64Array(sizeOf(shape));
  for (const k of Object.keys(g.updates)) if (k.startsWith('ema.')) s[k] = s[k.slice(4)].slice();
  return s;
}

function stepCpu(g: ReturnType<typeof buildStageGraph>, state: Record<string, Float64Array>, step: number) {
  const names = Object.keys(g.updates);
  const out = evalCpu(
    names.map((n) => g.updates[n]),
    state,
    { seed: config.seed, step },
  );
  const next = { ...state };
  names.forEach((n, i) => (next[n] = out[i]));
  return next;
}

describe('stage graph (float64 executor)', () => {
  const g = buildStageGraph(method, config, params, fm.stages[0] as never, {
    teacher: { kind: 'none' },
    samplingEma: config.train.ema,
    steps: config.train.steps,
  });

  it('updates parameters, both Adam moments, the step counter, the sampling EMA and the loss accumulators', () => {
    const keys = Object.keys(g.updates);
    expect(keys).toContain('net.layers.0.weight');
    expect(keys).toContain(momentName('net', 'm', 'net.layers.2.bias'));
    expect(keys).toContain(stepName('net'));
    expect(keys).toContain('ema.net.layers.1.weight');
    expect(g.terms).toEqual(['loss', 'fm']);
  });

  it('takes the first AdamW step: p - lr g / (|g| + eps), with the loss it differentiated in the accumulator', () => {
    const s0 = initialState(g);
    const s1 = stepCpu(g, s0, 0);
    // The same loss graph again, built independently with the same random streams, and its gradient.
    const g2 = buildStageGraph(method, config, params, fm.stages[0] as never, {
      teacher: { kind: 'none' },
      samplingEma: 0,
      steps: config.train.steps,
    });
    const lossT = g2.updates[ACC].node.inputs[1].node.inputs[0].node.inputs[0] as Tensor; // acc + concat([reshape(loss), ...])
    const w = g2.nets.inputs.net['layers.0.weight'];
    const [gw] = grad(lossT, [w]);
    const [loss, gradW] = evalCpu([lossT, gw], s0, { seed: config.seed, step: 0 });
    expect([...s1[ACC]].map((v) => +v.toFixed(12))).toEqual([loss[0], loss[0], 1].map((v) => +v.toFixed(12)));
    expect(s1[stepName('net')][0]).toBe(1);
    const p0 = s0['net.layers.0.weight'];
    const p1 = s1['net.layers.0.weight'];
    for (let i = 0; i < p0.length; i++) {
      const want = p0[i] - (0.01 * gradW[i]) / (Math.abs(gradW[i]) + 1e-8);
      expect(p1[i]).toBeCloseTo(want, 6);
    }
    const e1 = s1['ema.net.layers.0.weight'];
    for (let i = 0; i < p0.length; i++) expect(e1[i]).toBeCloseTo(0.9 * p0[i] + 0.1 * p1[i], 12);
  });

  it('lowers the flow-matching loss over 150 float64 steps on fresh batches', () => {
    let s = initialState(g);
    const window = (from: number, n: number) => {
      const a0 = s[ACC][0];
      for (let k = 0; k < n; k++) s = stepCpu(g, s, from + k);
      return (s[ACC][0] - a0) / n;
    };
    const first = window(0, 20);
    window(20, 110);
    const last = window(130, 20);
    // the FM loss of 8 gaussians cannot go below its conditional variance (~6.5); it starts near 10
    expect(last).toBeLessThan(0.9 * first);
  });
});
