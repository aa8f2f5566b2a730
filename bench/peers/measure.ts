/**
 * How the implementations' steps are measured: build each, CHECK its first-step loss against the
 * float64 reference (1e-4 relative), warm up, then time repetitions IN TURNS: round r times one
 * repetition of every implementation back to back (the starting implementation rotates), so a burst
 * of load on a shared machine hits all of them alike, and ours/peer is the median of the per-round
 * ratios. A repetition enqueues `stepsPerRep` steps and ends with one loss readback (every
 * implementation then has finished its GPU work), so steps/s includes one readback per repetition.
 */
import { readCounts } from './gpuSetup.ts';
import { LossMismatchError } from './errors.ts';
import type { Batch, LinearWeights, StepKind } from './problem.ts';
import { relativeError } from './reference.ts';
import type { Implementation, TrainStep } from './step.ts';

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
  /** Set when timed in turns: samples[r] was taken in round r, beside the other implementations' samples[r]. */
  inTurns?: boolean;
}

/** A step that passed its check and warm-up, ready to be timed. */
interface Ready {
  impl: Implementation;
  step: TrainStep;
  firstLoss: number;
  samples: number[];
  dispatches: number;
  submits: number;
}

async function prepare(
  impl: Implementation,
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  referenceLoss: number,
  schedule: Schedule,
): Promise<Ready> {
  const step = await impl.makeStep(kind, batch, weights);
  try {
    await step.run();
    const firstLoss = await step.loss();
    if (!(relativeError(firstLoss, referenceLoss) <= 1e-4)) {
      throw new LossMismatchError(impl.name, kind, batch.size, firstLoss, referenceLoss);
    }
    for (let i = 0; i < schedule.warmup; i++) await step.run();
    await step.loss();
    return { impl, step, firstLoss, samples: [], dispatches: 0, submits: 0 };
  } catch (e) {
    step.dispose();
    throw e;
  }
}

/** One timed repetition of `r`: its steps/s, with the device counts it caused added to `r`. */
async function timeRep(r: Ready, stepsPerRep: number): Promise<void> {
  const c0 = readCounts();
  const t0 = performance.now();
  for (let i = 0; i < stepsPerRep; i++) await r.step.run();
  await r.step.loss();
  r.samples.push((stepsPerRep * 1000) / (performance.now() - t0));
  const c1 = readCounts();
  r.dispatches += c1.dispatches - c0.dispatches;
  r.submits += c1.submits - c0.submits;
}

/**
 * Measures every implementation of `kind` at `batch` in turns (see the file comment). Returns, per
 * implementation in the order given, its Measurement or the error that stopped it (build, check).
 */
export async function measureInTurns(
  impls: Implementation[],
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  referenceLoss: number,
  schedule: Schedule,
  onReady?: (impl: Implementation, error?: Error) => void,
): Promise<(Measurement | Error)[]> {
  const prepared: (Ready | Error)[] = [];
  for (const impl of impls) {
    try {
      prepared.push(await prepare(impl, kind, batch, weights, referenceLoss, schedule));
      onReady?.(impl);
    } catch (e) {
      prepared.push(e as Error);
      onReady?.(impl, e as Error);
    }
  }
  const ready = prepared.filter((p): p is Ready => !(p instanceof Error));
  try {
    for (let round = 0; round < schedule.reps; round++) {
      for (let j = 0; j < ready.length; j++)
        await timeRep(ready[(round + j) % ready.length], schedule.stepsPerRep);
    }
  } finally {
    for (const r of ready) r.step.dispose();
  }
  const steps = schedule.reps * schedule.stepsPerRep;
  return prepared.map((p) =>
    p instanceof Error
      ? p
      : {
          impl: p.impl.name,
          kind,
          batch: batch.size,
          firstLoss: p.firstLoss,
          referenceLoss,
          samples: p.samples,
          median: median(p.samples),
          min: Math.min(...p.samples),
          max: Math.max(...p.samples),
          dispatches: p.dispatches / steps,
          submits: p.submits / steps,
          ownDispatches: p.step.dispatches,
          ownSubmits: p.step.submits,
          inTurns: true,
        },
  );
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
