import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { evalCpu } from '../../src/autodiff/evalCpu.ts';
import { add, input, mul, normal, sampleData, sub, uniform } from '../../src/autodiff/ops.ts';
import { eightGaussians, gmmVelocity, type GaussianMixture } from '../../src/data/index.ts';
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
    expect(err, `worst relative error ${err}`).toBeLessThan(2e-5);
    step.destroy();
  });

  it('inside a step: 8-gaussians data drawn on the device, noised, velocity of z_t; equal to the CPU executor', async () => {
    const rt = await testRuntime();
    const b = 64;
    const x = sampleData('8gaussians', b, 1);
    const t = uniform([b, 1], 2);
    const zt = add(mul(sub(1, t), x), mul(t, normal([b, 2], 3)));
    const u = gmmVelocityGraph(eightGaussians(), zt, t);
    const step = compileStep({ outputs: { u } }, rt, { seed: 9, step: 4 });
    step.run();
    const gpu = await step.read('u');
    const [cpu] = evalCpu([u], {}, { seed: 9, step: 4 });
    // Near t = 0, u is steep in z (|du/dz| ~ 1/s^2 = 8), so the f32 rounding of z_t is amplified a little.
    const err = worst(gpu, cpu);
    expect(err, `worst relative error ${err}`).toBeLessThan(2e-5);
    step.destroy();
  });
});
