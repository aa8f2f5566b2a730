/**
 * Compiled programs of a session and the GPU-side plumbing between them: the training step of the
 * current stage, and small programs that sample, draw data or evaluate the field. A program reads the
 * training step's parameters by a buffer-to-buffer copy recorded in the same command buffer as its
 * dispatches: no round trip through JavaScript.
 */
import { compileStep, type CompiledStep, type StepSpec } from '../autodiff/compile.ts';
import type { Tensor } from '../autodiff/index.ts';
import type { Runtime } from '../engine/runtime.ts';

/** Records copies of the named tensors from one program's arena into another's (same names, same sizes). */
export function copyTensors(
  enc: GPUCommandEncoder,
  from: CompiledStep,
  to: CompiledStep,
  names: readonly string[],
): void {
  for (const name of names) {
    if (!to.has(name) || !from.has(name)) continue;
    const a = from.view(name);
    const b = to.view(name);
    if (a.size !== b.size)
      throw new RangeError(`'${name}' has ${a.size} values in one program and ${b.size} in the other`);
    enc.copyBufferToBuffer(a.buffer, a.offset, b.buffer, b.offset, a.size * 4);
  }
}

export interface ProgramSpec {
  outputs?: Record<string, Tensor>;
  updates?: Record<string, Tensor>;
  feeds?: Record<string, ArrayLike<number>>;
}

export function compileProgram(rt: Runtime, spec: ProgramSpec, seed: number, step = 0): CompiledStep {
  const s: StepSpec = {
    outputs: spec.outputs,
    updates: Object.entries(spec.updates ?? {}).map(([input, value]) => ({ input, value })),
    feeds: spec.feeds,
  };
  return compileStep(s, rt, { seed, step });
}
