/**
 * Every method trained on the real adapter at a tiny scale (64 x 2 network, a few hundred steps) on
 * 8 gaussians, scored from fresh noise against fresh data. The bar is sample quality, not a falling
 * loss: the one-step samples must be far better than the best any Flow Matching model can do in one
 * Euler step (the exact velocity's single step collapses every sample onto the data mean), and close
 * to the data-vs-data floor.
 */
import { describe, expect, it } from 'vitest';
import { eightGaussians, gmmVelocity } from '../../src/data/index.ts';
import { methodById } from '../../src/methods/index.ts';
import { resolveExperiment, type ExperimentInput } from '../../src/train/config.ts';
import { drive } from '../../src/train/drive.ts';
import { compareSamples } from '../../src/train/metrics/index.ts';
import { sampleReference } from '../../src/data/index.ts';
import { samplingNoise } from '../../src/train/sampleGraph.ts';
import { createSession } from '../../src/train/trainSession.ts';
import { testGpu } from '../gpu.ts';
import { Runtime } from '../../src/engine/runtime.ts';

let shared: Runtime | undefined;

const N = 2000;

/** sw2 of x = e - u*(e, 1) (exact FM velocity, one Euler step) against fresh data. */
function oneStepFmBaseline(): number {
  const e = Float64Array.from(samplingNoise(3, 1, N));
  const u = gmmVelocity(eightGaussians(), e, 1);
  const x = e.map((v, i) => v - u[i]);
  return compareSamples('8gaussians', x, sampleReference('8gaussians', N, 77, 5)).sw2;
}

const base = {
  dataset: '8gaussians',
  net: { width: 64, depth: 2 },
  train: { batch: 256, lr: 3e-3, ema: 0.99 },
} as const;

const cases: { name: string; config: ExperimentInput; steps: number; label: string }[] = [
  { name: 'MeanFlow', config: { ...base, method: 'meanflow' }, steps: 800, label: '1' },
  {
    name: 'MeanFlow distillation from the exact teacher (its velocity replaces e - x)',
    config: { ...base, method: 'meanflowDistill', teacher: { source: 'analytic' } },
    steps: 600,
    label: '1',
  },
  { name: 'TVM', config: { ...base, method: 'tvm' }, steps: 800, label: '1' },
  {
    name: 'Lagrangian self-distillation (flow map)',
    config: { ...base, method: 'flowmap', params: { variant: 'lagrangianSelf' } },
    steps: 800,
    label: '1',
  },
  {
    name: 'FreeFlow from a trained FM teacher (the student sees no data)',
    config: { ...base, method: 'freeflow', teacher: { source: 'train', steps: 600 } },
    steps: 600,
    label: '1',
  },
  {
    name: 'DMD2 from the exact teacher (data-free generator, 5 fake-net updates per step)',
    config: { ...base, method: 'dmd', teacher: { source: 'analytic' } },
    steps: 600,
    label: '1',
  },
];

describe('methods trained on the GPU beat one-step Flow Matching by far', () => {
  const baseline = oneStepFmBaseline();

  it('has a baseline that collapses the modes (sanity of the bar)', () => {
    expect(baseline).toBeGreaterThan(1.5);
  });

  for (const c of cases) {
    it(`${c.name}: 1-NFE samples within reach of the floor`, async () => {
      const gpu = await testGpu();
      const config = resolveExperiment({ ...c.config, train: { ...base.train, steps: c.steps } });
      shared ??= new Runtime(gpu);
      const session = await createSession(gpu, config, {
        method: methodById(config.method),
        runtime: shared,
      });
      try {
        await drive(session, { until: session.totalSteps });
        const ev = await session.evaluate(N, [1], false);
        const sw2 = ev.report.metrics.sw2[c.label];
        console.log(
          `${c.name}: 1-NFE sw2 ${sw2.toFixed(3)}, floor ${ev.report.floor.sw2.toFixed(3)}, one-step FM ${baseline.toFixed(3)}`,
        );
        expect(ev.report.metrics.nonFinite[c.label]).toBe(0);
        expect(sw2).toBeLessThan(0.2 * baseline);
        expect(sw2).toBeLessThan(ev.report.floor.sw2 + 0.3);
      } finally {
        session.dispose();
      }
    });
  }

  it('Flow Matching: its 100-step ODE samples reach the floor while its one Euler step blurs', async () => {
    const gpu = await testGpu();
    const config = resolveExperiment({ ...base, method: 'fm', train: { ...base.train, steps: 800 } });
    shared ??= new Runtime(gpu);
    const session = await createSession(gpu, config, { method: methodById('fm'), runtime: shared });
    try {
      await drive(session, { until: session.totalSteps });
      const ev = await session.evaluate(N, [1], true);
      const m = ev.report.metrics.sw2;
      console.log(
        `FM: 1 Euler step sw2 ${m['1'].toFixed(3)}, 100 Heun steps ${m.teacher.toFixed(3)}, floor ${ev.report.floor.sw2.toFixed(3)}`,
      );
      expect(m.teacher).toBeLessThan(ev.report.floor.sw2 + 0.3);
      expect(m['1']).toBeGreaterThan(3 * m.teacher);
    } finally {
      session.dispose();
    }
  });
});
