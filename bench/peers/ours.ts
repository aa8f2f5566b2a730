/**
 * Our step, plugged into the benchmark through one function. The graph comes from ourGraph.ts
 * (checked against the float64 reference); the GPU side is the project's step compiler
 * (`compileStep` in src/autodiff/compile.ts: one command buffer per step, no readback).
 */
import { compileStep, type CompiledStep } from '../../src/autodiff/compile.ts';
import { acquireGpu, type GpuContext } from '../../src/engine/index.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { buildStepGraph, parameterNames } from './ourGraph.ts';
import { installNodeGpu } from './gpuSetup.ts';
import type { Batch, LinearWeights, StepKind } from './problem.ts';
import type { Implementation, TrainStep } from './step.ts';

let ctx: Promise<GpuContext> | undefined;

/** Our step for `kind` on `batch` from `weights`, compiled on the benchmark's device (also used by the profile). */
export async function compileOurs(
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  naive = false,
): Promise<{ compiled: CompiledStep; rt: Runtime }> {
  await installNodeGpu();
  ctx ??= acquireGpu();
  const rt = new Runtime(await ctx);
  const graph = buildStepGraph(kind, batch, weights);
  const feeds = Object.fromEntries(Object.entries(graph.feeds).map(([k, v]) => [k, Float32Array.from(v)]));
  const spec = { outputs: { loss: graph.loss }, updates: graph.updates, feeds };
  return { compiled: compileStep(spec, rt, { seed: 0, naive }), rt };
}

/** The one plug: our compiled training step for `kind` on `batch`, from `weights`. */
export async function ourStep(
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  naive = false,
): Promise<TrainStep> {
  const { compiled } = await compileOurs(kind, batch, weights, naive);
  const names = parameterNames(weights.length);
  return {
    run: () => compiled.run(1),
    loss: async () => (await compiled.read('loss'))[0],
    dispatches: compiled.dispatchesPerStep,
    submits: 1,
    async parameters() {
      const data = await Promise.all(names.map((n) => compiled.read(n)));
      return weights.map((w, l) => ({ ...w, weight: data[2 * l], bias: data[2 * l + 1] }));
    },
    dispose: () => compiled.destroy(),
  };
}

export const ours: Implementation = {
  name: 'ours',
  version: 'FlowMap Lab (step graph compiled to one command buffer)',
  unsupported: () => undefined,
  makeStep: (kind, batch, weights) => ourStep(kind, batch, weights),
};

/** The same graph compiled with one dispatch per primitive and no fusion: the compiler's baseline. */
export const oursNaive: Implementation = {
  name: 'ours-naive',
  version: 'FlowMap Lab (naive: one dispatch per primitive)',
  unsupported: () => undefined,
  makeStep: (kind, batch, weights) => ourStep(kind, batch, weights, true),
};
