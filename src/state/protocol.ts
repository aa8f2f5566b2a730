/**
 * Messages between the page and the worker that owns the GPUDevice. The page never waits on the GPU: it sends
 * commands and receives summaries; the picture is drawn by the worker into the transferred OffscreenCanvas.
 */
import type { ExperimentConfig } from '../train/config.ts';
import type { QualityReport, StageName, StepSummary } from '../train/session.ts';
import type { ViewSettings } from './viewSettings.ts';

export type { Nfe, ViewSettings } from './viewSettings.ts';

export type RenderPath = 'canvas' | 'readback';

export type ToWorker =
  | {
      type: 'init';
      canvas: OffscreenCanvas;
      width: number;
      height: number;
      forceReadback: boolean;
      /** `?debug=lose-device`: destroy the device once mid-training, to exercise recovery (tests). */
      debug?: string;
      config: ExperimentConfig;
      view: ViewSettings;
    }
  | { type: 'resize'; width: number; height: number }
  | { type: 'config'; config: ExperimentConfig }
  /** A checkpoint opened in the page: its config, and its parameters as the new session's start. */
  | {
      type: 'checkpoint';
      config: ExperimentConfig;
      initial: Record<string, Float32Array>;
      teacherLoaded: boolean;
      step: number;
    }
  | { type: 'view'; view: ViewSettings }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'reset' }
  | { type: 'stepsPerFrame'; steps: number };

export interface RunStatus {
  running: boolean;
  step: number;
  stage: StageName;
  stepsPerSecond: number;
  /** frames drawn per second by the worker */
  drawsPerSecond: number;
  /** GPU buffers alive on the worker's device (the engine's leak counter; soak tests read it). */
  gpuBuffers: number;
}

/**
 * Distances of Meta Flow Map samples to the exact answer, with the exact-vs-exact floor at the same n:
 * posterior (gridTv, energy, floorTv, floorEnergy) or guided (sw2, mmd, floorSw2, floorMmd).
 */
export type MfmScores = Record<string, number>;

export type FromWorker =
  | {
      type: 'ready';
      adapter: string;
      /** No hardware acceleration (SwiftShader, lavapipe): the page picks a small starting experiment. */
      software: boolean;
      renderPath: RenderPath;
      training: boolean;
      trainingNote: string;
    }
  | { type: 'status'; status: RunStatus }
  | { type: 'summary'; summary: StepSummary }
  | { type: 'quality'; report: QualityReport }
  /** Meta Flow Maps: the model's posterior or guided samples were re-drawn (scores null off a Gaussian mixture). */
  | {
      type: 'mfm';
      kind: 'posterior' | 'guide';
      key: string;
      step: number;
      n: number;
      seconds: number;
      scores: MfmScores | null;
    }
  | { type: 'notice'; level: 'info' | 'warning'; text: string }
  | { type: 'fatal'; kind: 'no-webgpu' | 'device-lost' | 'error'; message: string };
