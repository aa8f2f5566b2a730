/**
 * How one implementation's step is measured: build it, CHECK its first-step loss against the float64
 * reference (1e-4 relative), warm up, then time several repetitions (counting dispatches and submits).
 * A repetition enqueues `stepsPerRep` steps and ends with one loss readback (every implementation
 * then has finished its GPU work), so steps/s includes one readback per repetition.
 */
import { readCounts } from './gpuSetup.ts';
import { LossMismatchError } from './errors.ts';
import type { Batch, LinearWeights, StepKind } from './problem.ts';
import { relativeError } from './reference.ts';
import type { Implementation } from './step.ts';

export interface Schedule {
  warmup: number;
  reps: number;
  stepsPerRep: number;
}

/** Fewer repetitions at large batch: the whole benchmark must stay within minutes on 2 CPU cores. */
export function scheduleFor(batch: number, quick: boolean): Schedule {
  if (quick) return { warmup: 1, reps: 2, stepsPerRep: 1 };
  if (batch <= 256) return { warmup: 2, reps: 5, stepsPerRep: 4 };
  if (batch <= 1024) return { warmup: 1, reps: 5, stepsPerRep: 2 };
  return { warmup: 1, reps: 3, stepsPerRep: 1 };
}

export interface Measurement {
  impl: string;
  kind: StepKind;
  batch: number;
  firstLoss: number;
  referenceLoss: number;
  /** steps/s of each repetition */
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** Counted on the device (prototype wrappers) over the timed repetitions, per step, readbacks included. */
  dispatches: number;
  submits: number;
  /** As the implementation reports them itself (ours), if it does. */
  ownDispatches?: number;
  ownSubmits?: number;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function measure(
  impl: Implementation,
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  referenceLoss: number,
  schedule: Schedule,
): Promise<Measurement> {
  const step = await impl.makeStep(kind, batch, weights);
  try {
    await step.run();
    const firstLoss = await step.loss();
    if (!(relativeError(firstLoss, referenceLoss) <= 1e-4)) {
      throw new LossMismatchError(impl.name, kind, batch.size, firstLoss, referenceLoss);
    }
    for (let i = 0; i < schedule.warmup; i++) await step.run();
    await step.loss();

    const c0 = readCounts();
    const samples: number[] = [];
    for (let r = 0; r < schedule.reps; r++) {
      const t0 = performance.now();
      for (let i = 0; i < schedule.stepsPerRep; i++) await step.run();
      await step.loss();
      samples.push((schedule.stepsPerRep * 1000) / (performance.now() - t0));
    }
    const c1 = readCounts();
    const steps = schedule.reps * schedule.stepsPerRep;
    return {
      impl: impl.name,
      kind,
      batch: batch.size,
      firstLoss,
      referenceLoss,
      samples,
      median: median(samples),
      min: Math.min(...samples),
      max: Math.max(...samples),
      dispatches: (c1.dispatches - c0.dispatches) / steps,
      submits: (c1.submits - c0.submits) / steps,
      ownDispatches: step.dispatches,
      ownSubmits: step.submits,
    };
  } finally {
    step.dispose();
  }
}
