/**
 * The contract between the training engine and its two hosts (the web worker of the playground and the
 * CLI). A session owns the compiled step programs of one experiment on one GPU device. Nothing here
 * reads back synchronously: every read is a promise, served from double-buffered staging buffers.
 */
import type { ExperimentConfig } from './config.ts';

export type StageName = 'teacher' | 'pretrain' | 'student';

/** A few numbers per step-window, read back asynchronously. */
export interface StepSummary {
  step: number;
  stage: StageName;
  /** Loss terms of the current stage's objective, averaged over the steps since the last summary. */
  losses: Record<string, number>;
  stepsPerSecond: number;
  /** True when a loss became NaN or infinite; the session pauses itself and says so in `message`. */
  diverged: boolean;
  message?: string;
}

/** Quality of samples against fresh data samples, with the data-vs-data floor at the same sample size. */
export interface QualityReport {
  step: number;
  samples: number;
  /** metric name (gridTv, sw2, energy, mmd, ...) -> value per NFE label ('1', '2', '4', '8', 'teacher') */
  metrics: Record<string, Record<string, number>>;
  floor: Record<string, number>;
  /** The floor's smallest and largest value per metric over `draws` independent data-vs-data pairs. */
  floorRange?: FloorRange;
}

export interface FloorRange {
  draws: number;
  min: Record<string, number>;
  max: Record<string, number>;
}

/** Every network tensor (networks, their EMA, the teacher) at a step, on the host. */
export interface ParameterSnapshot {
  step: number;
  values: Record<string, Float32Array>;
}

/** Points that live on the GPU, for a renderer to draw without copying them to JavaScript. */
export interface PointSet {
  buffer: GPUBuffer;
  /** byte offset of the first point; points are vec2<f32>, tightly packed */
  offset: number;
  count: number;
}

export interface TrainingSession {
  readonly config: ExperimentConfig;
  readonly stage: StageName;
  readonly step: number;
  /** True once every stage has been given all its steps (they may still be running on the GPU). */
  readonly done: boolean;
  /** Dispatches recorded per training step of the current stage (machine-independent cost). */
  readonly dispatchesPerStep: number;
  /** Records `k` training steps into one command buffer and submits it. Never waits on the GPU. */
  run(k: number): void;
  /** Resolves with the loss terms since the last call (asynchronous readback). */
  summary(): Promise<StepSummary>;
  /** Draws `n` model samples at `nfe` (a number or 'teacher') from fixed noise into a GPU buffer. */
  samples(nfe: number | 'teacher', n: number): PointSet;
  /** Fresh data samples on the GPU. */
  data(n: number): PointSet;
  /** Trajectories from the same noise: `paths` polylines of `nfe + 1` points each (teacher: its ODE path). */
  trajectories(nfe: number | 'teacher', paths: number): PointSet;
  /** The network's F(x, t, s) on a grid of `grid x grid` points in the view box; vec2 per point. */
  field(t: number, s: number, grid: number, box: [number, number, number, number]): PointSet;
  /** Labelled runs: the class (-1: all) and guidance scale w the samplers draw from now on. */
  setSampleCondition?(c: { classIndex: number; cfg: number }): void;
  /** Meta Flow Maps: `n` one-step samples of p(x_0 | x_t = at) from the noise of `round`, read back. */
  posterior?(t: number, at: readonly [number, number], n: number, round?: number): Promise<Float32Array>;
  /** Meta Flow Maps: `m` samples guided by r(x) = log N(y; a . x, sigma^2) (`steps` Euler steps), read back. */
  guide?(
    reward: { a: readonly [number, number]; y: number; sigma: number },
    estimator: 'iwae' | 'sne' | 'dps',
    mc: number,
    m: number,
    steps: number,
    round?: number,
  ): Promise<Float32Array>;
  /** Metrics at several NFE against fresh data, with the floor. */
  quality(samples: number): Promise<QualityReport>;
  /** Parameters by PyTorch name (for checkpoints). */
  parameters(): Promise<Map<string, Float32Array>>;
  /**
   * The last parameter snapshot known good (host memory, read every ~2 s): what survives a lost device.
   * Pass its values as `initial` and its step as `startStep` to a new session to go on from it.
   */
  readonly snapshot: ParameterSnapshot | null;
  dispose(): void;
}
