/**
 * Whole compiled steps on the real adapter against the float64 executor (evalCpu) on the same graph:
 * an MLP, Flow Matching and MeanFlow losses with their parameter gradients, both fused and naive.
 */
import { describe, expect, it } from 'vitest';
import { compileStep, type CompileOptions } from '../../src/autodiff/compile.ts';
import { evalCpu, input, type Tensor } from '../../src/autodiff/index.ts';
import { flowMatchingStep, meanFlowStep, meanFlowStepFromOps } from '../../src/bench/stepGraphs.ts';
import { initParams, mlp, mlpSpec, paramInputs } from '../../src/nn/index.ts';
import { batchOf, expectRel, testRuntime } from './helpers.ts';

const SEED = 11;

async function compareOutputs(
  outputs: Record<string, Tensor>,
  feeds: Record<string, Float64Array>,
  options: CompileOptions,
  tol = 1e-4,
) {
  const rt = await testRuntime();
  const step = compileStep({ outputs, feeds }, rt, { seed: SEED, ...options });
  step.run(1);
  const names = Object.keys(outputs);
  const cpu = evalCpu(
    names.map((k) => outputs[k]),
    feeds,
    { seed: SEED, step: 0 },
  );
  for (let i = 0; i < names.length; i++)
    expectRel(await step.read(names[i]), cpu[i], tol, `${names[i]} (${JSON.stringify(options)})`);
  step.destroy();
  return step;
}

describe('compiled step vs float64 executor', () => {
  it('a 2->64->64->64->2 SiLU MLP', async () => {
    const spec = mlpSpec({ inDim: 2, width: 64, depth: 3, outDim: 2, act: 'silu' });
    const x = input('x', [33, 2]);
    const y = mlp(paramInputs(spec), x, 'silu');
    const feeds = { ...initParams(spec, 3), x: batchOf(33) };
    for (const naive of [false, true]) await compareOutputs({ y }, feeds, { naive });
  });

  for (const [name, make] of [
    ['Flow Matching', flowMatchingStep],
    ['MeanFlow (src/methods/meanflow.ts)', meanFlowStep],
    ['MeanFlow written from ops', meanFlowStepFromOps],
  ] as const) {
    it(`${name} loss and parameter gradients`, async () => {
      const g = make({ batch: 37, width: 64, depth: 3, act: 'silu', data: 'input' });
      g.feeds.batch = batchOf(37);
      const outputs: Record<string, Tensor> = { loss: g.loss };
      g.params.forEach((p, i) => (outputs[`grad ${p.name}`] = g.grads[i]));
      // The naive baseline is checked on Flow Matching only (its ~50 distinct kernels compile slowly on a
      // CPU adapter); the step without GATE_A on the ops-only MeanFlow.
      const variants: CompileOptions[] =
        name === 'Flow Matching'
          ? [{}, { naive: true }]
          : name === 'MeanFlow written from ops'
            ? [{}, { gateOnLoad: false }]
            : [{}];
      for (const options of variants) {
        const step = await compareOutputs(outputs, g.feeds, options);
        if (options.gateOnLoad) expect(step.dispatchesPerStep).toBeLessThan(20);
      }
    });
  }
});
