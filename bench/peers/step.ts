/** What the runner needs from any implementation of a training step (ours or a peer). */
import type { Batch, LinearWeights, StepKind } from './problem.ts';

export interface TrainStep {
  /** Enqueues one whole step on the GPU: interpolation, forward (and JVP), loss, backward, Adam. */
  run(): void | Promise<void>;
  /** Loss of the most recent step, computed before that step's update (reads it back). */
  loss(): Promise<number>;
  /** Dispatches and submits of one step as the implementation itself counts them, where it can. */
  dispatches?: number;
  submits?: number;
  /** The current weights in PyTorch layout (for tests that check the update). */
  parameters?(): Promise<LinearWeights[]>;
  dispose(): void;
}

export interface Implementation {
  name: string;
  version: string;
  /** Why a step kind cannot be written with this library (shown in the table), if so. */
  unsupported(kind: StepKind): string | undefined;
  makeStep(kind: StepKind, batch: Batch, weights: LinearWeights[]): Promise<TrainStep>;
}
