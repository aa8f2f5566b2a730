/**
 * Soak: 100 training sessions created, stepped and disposed on one device, as the playground does on every
 * experiment change. The device's count of live GPU buffers (GpuContext.liveBuffers) and the JS heap must stay
 * flat after warm-up; the figures are printed.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../src/engine/runtime.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { SessionDisposedError } from '../../src/train/errors.ts';
import { createSession } from '../../src/train/trainSession.ts';
import { testGpu } from '../gpu.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const SESSIONS = 100;
const WARM = 10;
/** Live buffers may differ by this many after warm-up (a staging buffer in flight), the heap by this much. */
const BUFFER_SLACK = 4;
const HEAP_SLACK_MB = 16;

describe('soak', () => {
  it(`${SESSIONS} sessions created and disposed keep live GPU buffers and the heap flat`, async () => {
    const gpu = await testGpu();
    const runtime = new Runtime(gpu);
    // two experiments of the same shapes, as a playground user switches datasets (the cheapest step: FM)
    const configs = [0, 1].map((i) =>
      resolveExperiment({
        method: 'fm',
        dataset: i ? 'moons' : '8gaussians',
        net: { width: 8, depth: 1 },
        train: { batch: 32, steps: 1000 },
      }),
    );
    const measure = () => {
      gc();
      return { ...gpu.liveBuffers(), heapMb: process.memoryUsage().heapUsed / 2 ** 20 };
    };
    let warm = measure();
    for (let i = 0; i < SESSIONS; i++) {
      const session = await createSession(gpu, configs[i % 2], { runtime });
      session.run(2);
      await session.summary();
      session.dispose();
      if (i === WARM - 1) warm = measure();
    }
    await gpu.device.queue.onSubmittedWorkDone();
    const end = measure();
    console.log(
      `soak (Node): ${SESSIONS} sessions; live GPU buffers ${warm.count} after ${WARM} -> ${end.count} after ${SESSIONS} (bound +${BUFFER_SLACK}); ` +
        `${(warm.bytes / 2 ** 20).toFixed(2)} -> ${(end.bytes / 2 ** 20).toFixed(2)} MB; heap ${warm.heapMb.toFixed(1)} -> ${end.heapMb.toFixed(1)} MB (bound +${HEAP_SLACK_MB})`,
    );
    expect(end.count - warm.count).toBeLessThanOrEqual(BUFFER_SLACK);
    expect(end.heapMb - warm.heapMb).toBeLessThan(HEAP_SLACK_MB);
  });

  it('a disposed session draws nothing more: a report that outlives its session builds no program', async () => {
    const gpu = await testGpu();
    const config = resolveExperiment({
      method: 'fm',
      dataset: 'moons',
      net: { width: 8, depth: 1 },
      train: { batch: 32, steps: 1000 },
    });
    const session = await createSession(gpu, config, { runtime: new Runtime(gpu) });
    session.run(2);
    await session.summary();
    session.dispose();
    await gpu.device.queue.onSubmittedWorkDone();
    const before = gpu.liveBuffers().count;
    // the playground's quality report awaits reads between its draws; the experiment may change meanwhile
    expect(() => session.data(64)).toThrow(SessionDisposedError);
    await expect(session.quality(64)).rejects.toThrow(SessionDisposedError);
    expect(gpu.liveBuffers().count).toBe(before);
  });
});
