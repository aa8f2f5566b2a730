import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { input } from '../../src/autodiff/ops.ts';
import { gmmVelocity, type GaussianMixture } from '../../src/data/index.ts';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { gmmVelocityGraph } from '../../src/nn/gmmVelocity.ts';
import { testGpu } from '../gpu.ts';

let runtime: Promise<Runtime> | undefined;
const testRuntime = () => (runtime ??= testGpu().then((ctx) => new Runtime(ctx)));

function worst(gpu: ArrayLike<number>, cpu: ArrayLike<number>): number {
  let w = 0;
  for (let i = 0; i < cpu.length; i++) w = Math.max(w, Math.abs(gpu[i] - cpu[i]) / (1 + Math.abs(cpu[i])));
  return w;
}

describe('the analytic teacher on the GPU', () => {
  it('gives the float64 velocity for fed z and t (uneven mixture, awkward batch)', async () => {
    const rt = await testRuntime();
    const gmm: GaussianMixture = {
      means: [
        [-2, 0.5],
        [1.5, -1],
        [0, 2],
      ],
      stds: [0.3, 0.6, 0.45],
      weights: [0.5, 0.2, 0.3],
    };
    const b = 257;
    const z = Float64Array.from({ length: 2 * b }, (_, k) => 2 * normalAt(3, 0, 0, k));
    const t = Float64Array.from({ length: b }, (_, i) => 0.02 + 0.96 * uniformAt(3, 1, 0, i));
    const zf = Float64Array.from(Float32Array.from(z));
    const tf = Float64Array.from(Float32Array.from(t));
    const u = gmmVelocityGraph(gmm, input('z', [b, 2]), input('t', [b, 1]));
    const step = compileStep({ outputs: { u }, feeds: { z: zf, t: tf } }, rt);
    step.run();
    const gpu = await step.read('u');
    const err = worst(gpu, gmmVelocity(gmm, zf, tf));
    expect(err, `worst relative error ${err}`).toBeLessThan(1e-4);
    step.destroy();
  });
});
