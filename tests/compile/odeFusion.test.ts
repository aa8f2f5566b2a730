/**
 * Long elementwise chains in one step: an ODE unrolled in the graph (16 Heun steps over the analytic
 * Gaussian-mixture teacher, and over a small MLP teacher), and the trajectory flow-map method's step
 * with its loss and gradients. The generated code is a DAG of `let`s (each value bound once), every
 * kernel stays under the fusion cap, and the results equal the float64 executor.
 */
import { describe, expect, it } from 'vitest';
import { compileStep, type CompiledStep } from '../../src/autodiff/compile.ts';
import { evalCpu } from '../../src/autodiff/evalCpu.ts';
import { add, input, mul, type Tensor } from '../../src/autodiff/index.ts';
import { MAX_FUSED_NODES } from '../../src/autodiff/scheduleCap.ts';
import { eightGaussians } from '../../src/data/index.ts';
import { gmmVelocityGraph } from '../../src/nn/gmmVelocity.ts';
import { testNet } from '../methods/helpers.ts';
import { batchOf, expectRel, testRuntime } from './helpers.ts';
import { methodStep } from './methodStep.ts';

const B = 64;
type Velocity = (x: Tensor, t: Tensor) => Tensor;

/** Heun from t = 1 to t = 0 in `n` steps; `ones` is a [B, 1] column of ones that carries the time. */
function heun(u: Velocity, x: Tensor, ones: Tensor, n: number): Tensor {
  const h = -1 / n;
  for (let k = 0; k < n; k++) {
    const t = mul(ones, 1 + k * h);
    const v1 = u(x, t);
    const v2 = u(add(x, mul(v1, h)), mul(ones, 1 + (k + 1) * h));
    x = add(x, mul(add(v1, v2), h / 2));
  }
  return x;
}

/** Every generated kernel's `let` count: each inline node is bound once per element it is read at. */
function maxLets(step: CompiledStep): number {
  return Math.max(...[...step.generated.values()].map((c) => (c.match(/\blet /g) ?? []).length));
}

describe('an ODE unrolled inside a step', () => {
  const feeds = { x: batchOf(B), ones: new Float64Array(B).fill(1) };

  it('16 Heun steps over the analytic 8-Gaussians teacher: bounded kernels, equal to float64', async () => {
    const rt = await testRuntime();
    const x0 = heun(
      (x, t) => gmmVelocityGraph(eightGaussians(), x, t),
      input('x', [B, 2]),
      input('ones', [B, 1]),
      16,
    );
    const step = compileStep({ outputs: { x0 }, feeds }, rt, { seed: 1 });
    expect(maxLets(step)).toBeLessThanOrEqual(4 * MAX_FUSED_NODES);
    step.run();
    const [cpu] = evalCpu([x0], feeds, { seed: 1, step: 0 });
    expectRel(await step.read('x0'), cpu, 1e-3, 'x0');
    step.destroy();
  });

  it('16 Heun steps over a small MLP teacher equal float64', async () => {
    const rt = await testRuntime();
    const net = testNet('teacher.', 31, 16, 2);
    const all: Record<string, Float64Array> = { ...feeds, ...net.feeds };
    for (const k of Object.keys(all)) all[k] = Float64Array.from(Float32Array.from(all[k]));
    const x0 = heun((x, t) => net.fn(x, t, t), input('x', [B, 2]), input('ones', [B, 1]), 16);
    const step = compileStep({ outputs: { x0 }, feeds: all }, rt, { seed: 1 });
    expect(maxLets(step)).toBeLessThanOrEqual(4 * MAX_FUSED_NODES);
    step.run();
    const [cpu] = evalCpu([x0], all, { seed: 1, step: 0 });
    expectRel(await step.read('x0'), cpu, 1e-3, 'x0');
    step.destroy();
  });

  it('the trajectory flow-map step (Heun teacher in the graph): loss, terms and gradients equal float64', async () => {
    const rt = await testRuntime();
    const spec = methodStep('flowmap', { variant: 'trajectory', teacherSteps: 2 }, B);
    const step = compileStep(spec, rt, { seed: 7, step: 3 });
    expect(maxLets(step)).toBeLessThanOrEqual(4 * MAX_FUSED_NODES);
    step.run();
    const names = Object.keys(spec.outputs);
    const cpu = evalCpu(
      names.map((n) => spec.outputs[n]),
      spec.feeds,
      { seed: 7, step: 3 },
    );
    for (let i = 0; i < names.length; i++) expectRel(await step.read(names[i]), cpu[i], 2e-3, names[i]);
    step.destroy();
  });
});
