/**
 * The cosine learning-rate schedule of the fused AdamW update (train.schedule 'cosine'): the kernel computes the
 * rate from the step counter it already reads, and must agree with the float64 executor step by step, through and
 * past the end of the horizon (where the rate is held at 0 and the parameters stop moving).
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import {
  add,
  adam,
  evalCpu,
  grad,
  input,
  matmul,
  mean,
  normal,
  square,
  sub,
} from '../../src/autodiff/index.ts';
import { scheduledLr } from '../../src/autodiff/cpu/adam.ts';
import { expectRel, testRuntime } from './helpers.ts';

const H = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, clipNorm: 0, decaySteps: 3 };

describe('cosine learning-rate schedule', () => {
  it('follows torch CosineAnnealingLR (T_max = T, eta_min = 0) stepped after each update, held past T', () => {
    expect(scheduledLr(H, 1)).toBe(0.05);
    expect(scheduledLr(H, 2)).toBeCloseTo(0.05 * 0.75, 15);
    expect(scheduledLr(H, 3)).toBeCloseTo(0.05 * 0.25, 15);
    expect(scheduledLr(H, 4)).toBeCloseTo(0, 15);
    expect(scheduledLr(H, 40)).toBeCloseTo(0, 15);
    expect(scheduledLr({ ...H, decaySteps: 0 }, 40)).toBe(0.05);
  });

  it('the fused update equals the float64 executor for 5 steps of a 3-step horizon', async () => {
    const rt = await testRuntime();
    const w = input('w', [4, 3]);
    const m = input('m.w', [4, 3]);
    const v = input('v.w', [4, 3]);
    const s = input('s.w', [1]);
    const loss = mean(square(sub(matmul(normal([8, 4], 7), w), 0.3)));
    const step = add(s, 1);
    const r = adam([w], grad(loss, [w]), [m], [v], step, H);
    const updates = [
      { input: 'w', value: r.p[0] },
      { input: 'm.w', value: r.m[0] },
      { input: 'v.w', value: r.v[0] },
      { input: 's.w', value: step },
    ];
    let feeds: Record<string, Float64Array> = {
      w: Float64Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i + 1) * 0.7)),
      'm.w': new Float64Array(12),
      'v.w': new Float64Array(12),
      's.w': new Float64Array(1),
    };
    const compiled = compileStep({ outputs: { loss }, updates, feeds }, rt, { seed: 5 });
    const ws: Float64Array[] = [];
    for (let k = 0; k < 5; k++) {
      const cpu = evalCpu(
        updates.map((u) => u.value),
        feeds,
        { seed: 5, step: k },
      );
      compiled.run(1);
      feeds = { ...feeds };
      updates.forEach((u, i) => (feeds[u.input] = cpu[i]));
      expectRel(await compiled.read('w'), feeds.w, 1e-4, `w after step ${k + 1}`);
      ws.push(feeds.w);
    }
    // the first updates move w; past the horizon (steps 4 and 5, rate 0) it stays where step 3 left it
    expect(Math.abs(ws[1][0] - ws[0][0])).toBeGreaterThan(1e-4);
    expect(Array.from(ws[4])).toEqual(Array.from(ws[2]));
    compiled.destroy();
  });
});
