/** The session's run loop on the real adapter: divergence stops the run and keeps the good state; stages hand over. */
import { describe, expect, it } from 'vitest';
import { methodById } from '../../src/methods/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { drive } from '../../src/train/drive.ts';
import { DivergedError } from '../../src/train/errors.ts';
import { initialStateValues } from '../../src/train/state.ts';
import { createSession } from '../../src/train/trainSession.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { testGpu } from '../gpu.ts';

let shared: Runtime | undefined;
const small = {
  dataset: '8gaussians',
  net: { width: 64, depth: 2 },
  train: { batch: 256, lr: 3e-3, ema: 0.99 },
} as const;

describe('training session', () => {
  it('stops with DivergedError when a loss turns NaN, pauses, and returns the last good parameters', async () => {
    const gpu = await testGpu();
    shared ??= new Runtime(gpu);
    const config = resolveExperiment({ ...small, method: 'fm', train: { ...small.train, steps: 400 } });
    const method = methodById('fm');
    // a parameter that is NaN from the start: the first step's loss is NaN
    const initial = initialStateValues(method, config);
    const poisoned = initial['net.layers.1.bias'].slice();
    poisoned[3] = Number.NaN;
    const session = await createSession(gpu, config, {
      method,
      runtime: shared,
      initial: { 'net.layers.1.bias': poisoned },
    });
    try {
      const err = await drive(session, { until: 400 }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DivergedError);
      expect((err as Error).message).toMatch(/lower learning rate|clip/);
      const paused = session.step;
      session.run(50);
      expect(session.step).toBe(paused);
      const params = await session.parameters();
      expect(params.get('net.layers.0.weight')!.every(Number.isFinite)).toBe(true);
    } finally {
      session.dispose();
    }
  });

  it('trains the teacher, then the student from it, counting steps across stages', async () => {
    const gpu = await testGpu();
    shared ??= new Runtime(gpu);
    const config = resolveExperiment({
      ...small,
      method: 'flowmap',
      teacher: { source: 'train', steps: 60 },
      train: { ...small.train, steps: 40 },
      params: { variant: 'trajectory', teacherSteps: 2 },
    });
    const session = await createSession(gpu, config, { method: methodById('flowmap'), runtime: shared });
    try {
      expect(session.plan.map((p) => [p.stage.name, p.steps])).toEqual([
        ['teacher', 60],
        ['student', 40],
      ]);
      const stages = new Set<string>();
      const before = await session.parameters();
      await drive(session, { until: session.totalSteps, onSummary: (s) => stages.add(s.stage) });
      expect(session.step).toBe(100);
      expect([...stages]).toEqual(['teacher', 'student']);
      const after = await session.parameters();
      const changed = (name: string) => after.get(name)!.some((v, i) => v !== before.get(name)![i]);
      expect(changed('teacher.layers.0.weight')).toBe(true);
      expect(changed('net.layers.0.weight')).toBe(true);
    } finally {
      session.dispose();
    }
  });
});
