import { describe, expect, it } from 'vitest';
import { DATASET_NAMES, UnknownDatasetError, sampleDataCpu } from '../../src/engine/cpu/sampleData.ts';
import { sampleDataDispatch } from '../../src/engine/kernels/sampleData.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { testGpu } from '../gpu.ts';

let runtime: Promise<Runtime> | undefined;
const testRuntime = () => (runtime ??= testGpu().then((ctx) => new Runtime(ctx)));

/** Largest |gpu - cpu| / (1 + |cpu|). */
function worstError(gpu: Float32Array, cpu: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < cpu.length; i++)
    worst = Math.max(worst, Math.abs(gpu[i] - cpu[i]) / (1 + Math.abs(cpu[i])));
  return worst;
}

describe('sampleData kernel against the float64 reference', () => {
  for (const dataset of DATASET_NAMES) {
    it(`${dataset}: the same samples for several sizes, seeds, streams and steps`, async () => {
      const rt = await testRuntime();
      for (const [n, seed, stream, step] of [
        [1, 0, 0, 0],
        [257, 12345, 3, 7],
        [1000, 0xdeadbeef, 0x0da7a001, 123456],
      ]) {
        // Output at a non-zero offset of an arena, the step counter in another buffer.
        const [, out] = rt.arena([3, 2 * n]);
        const stepView = rt.upload([step]);
        rt.submit([sampleDataDispatch(rt, { out, n, dataset, seed, stream, step: stepView })]);
        const gpu = (await rt.read(out)).subarray(0, 2 * n);
        const cpu = sampleDataCpu(dataset, n, seed, stream, step);
        const err = worstError(gpu, cpu);
        expect(err, `${dataset} n=${n} worst relative error ${err}`).toBeLessThan(1e-5);
      }
    });
  }

  it('a replayed dispatch follows the step counter in its buffer', async () => {
    const rt = await testRuntime();
    const n = 64;
    const out = rt.tensor(2 * n);
    const step = rt.upload([0]);
    const d = sampleDataDispatch(rt, { out, n, dataset: 'moons', seed: 1, stream: 2, step });
    rt.submit([d]);
    const first = await rt.read(out);
    rt.upload([5], step);
    rt.submit([d]);
    const later = await rt.read(out);
    expect(worstError(first, sampleDataCpu('moons', n, 1, 2, 0))).toBeLessThan(1e-5);
    expect(worstError(later, sampleDataCpu('moons', n, 1, 2, 5))).toBeLessThan(1e-5);
  });

  it('rejects an unknown dataset with the valid names', async () => {
    const rt = await testRuntime();
    expect(() =>
      sampleDataDispatch(rt, {
        out: rt.tensor(2),
        n: 1,
        dataset: 'circles',
        seed: 0,
        stream: 0,
        step: rt.tensor(1),
      }),
    ).toThrow(UnknownDatasetError);
  });
});
