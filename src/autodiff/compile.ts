/**
 * compileStep: a training step (outputs to read back, state updated in place) compiled into ONE
 * command buffer per k steps. Passes: canonical form and CSE (scheduleRewrite.ts), schedule with
 * fusion and matmul patterns (schedule.ts), memory plan (scheduleMemory.ts), lowering to engine
 * dispatches (lower.ts). `naive: true` gives the baseline: one dispatch per primitive.
 */
import { graphInputs, type Tensor } from './graph.ts';
import { canonicalize } from './scheduleRewrite.ts';
import { schedule } from './schedule.ts';
import { planMemory } from './scheduleMemory.ts';
import { lowerSchedule, type Runtime } from './lower.ts';
import { CompiledStep, FeedSizeError, type NamedSlot } from './lowerStep.ts';

export {
  CompiledStep,
  FeedSizeError,
  ProgramDestroyedError,
  UnknownTensorError,
  type SlotView,
} from './lowerStep.ts';

export interface StepSpec {
  /** Results that can be read back by name (loss terms, samples). */
  outputs?: Record<string, Tensor>;
  /** State written back in place after each step: `value` becomes the input named `input`. */
  updates?: { input: string; value: Tensor }[];
  /** Initial values of inputs (row-major); inputs without a feed start at zero. */
  feeds?: Record<string, ArrayLike<number>>;
}

export interface CompileOptions {
  /** Seed of every random node and dataset sampler (Philox key). */
  seed?: number;
  /** Initial value of the step counter (the Philox counter word of random nodes). */
  step?: number;
  /** One dispatch per primitive, no fusion: the baseline. */
  naive?: boolean;
  /**
   * GATE_A for the backward of dense layers and the tangent chain (see ScheduleOptions). Default: on
   * hardware adapters only; on CPU drivers the gated direct-load matmul is slower than materializing
   * the product (MeanFlow step on lavapipe: 0.47 vs 0.77 steps/s).
   */
  gateOnLoad?: boolean;
  /** 1 prints the schedule (one line per dispatch), 2 also the generated WGSL. */
  debug?: 0 | 1 | 2;
}

export class UnknownInputError extends Error {
  override name = 'UnknownInputError';
  constructor(name: string, known: string[]) {
    super(
      `update of '${name}', but the step has no input of that name: inputs are ${known.join(', ') || '(none)'}`,
    );
  }
}

export class NameClashError extends Error {
  override name = 'NameClashError';
  constructor(name: string) {
    super(`output '${name}' has the name of an input of the step: rename the output (e.g. 'grad ${name}')`);
  }
}

export function compileStep(spec: StepSpec, rt: Runtime, opts: CompileOptions = {}): CompiledStep {
  const bytesBefore = rt.bytesAllocated;
  const outNames = Object.keys(spec.outputs ?? {});
  const updates = spec.updates ?? [];
  const roots = canonicalize([...outNames.map((k) => spec.outputs![k]), ...updates.map((u) => u.value)]);
  const outputs = roots.slice(0, outNames.length);
  const inputs = graphInputs(roots);
  const upd = updates.map((u, i) => {
    const input = inputs.get(u.input);
    if (!input) throw new UnknownInputError(u.input, [...inputs.keys()]);
    return { input, value: roots[outNames.length + i] };
  });
  const s = schedule({
    naive: opts.naive ?? false,
    gateOnLoad: opts.gateOnLoad ?? rt.ctx.adapter.kind === 'hardware',
    outputs,
    updates: upd,
  });
  const mem = planMemory(s, outputs);
  const { result: lowered, uniforms } = rt.collectUniforms(() =>
    lowerSchedule(rt, s, mem, opts.seed ?? 0, opts.debug ?? 0),
  );

  const slots = new Map<string, NamedSlot>();
  for (const [name, t] of inputs) slots.set(name, { offset: mem.offsetOf(t)!, size: t.size });
  outNames.forEach((name, i) => {
    const t = outputs[i];
    if (slots.has(name) && graphInputs([t]).get(name) !== t) throw new NameClashError(name);
    slots.set(name, { offset: mem.offsetOf(t)!, size: t.size });
  });
  const lines = lowered.dispatches.map((d, i) => `${String(i).padStart(2)}: ${d.label}`);
  const step = new CompiledStep(
    rt,
    lowered.arena,
    lowered.dispatches,
    slots,
    lines,
    lowered.generated,
    bytesBefore,
    uniforms,
  );

  // Initial state: the arena may come from the pool, so every persistent input is written.
  for (const [name, t] of inputs) {
    const feed = spec.feeds?.[name];
    if (feed && feed.length !== t.size) throw new FeedSizeError(name, t.size, feed.length);
    step.write(name, feed ?? new Float32Array(t.size));
  }
  if ((opts.debug ?? 0) >= 1)
    console.log(`compiled step, ${step.dispatchesPerStep} dispatches:\n${step.describe()}`);
  rt.device.queue.writeBuffer(lowered.arena, mem.counter * 4, Float32Array.of(opts.step ?? 0));
  return step;
}
