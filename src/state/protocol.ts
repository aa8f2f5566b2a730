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
      config: ExperimentConfig;
      view: ViewSettings;
    }
  | { type: 'resize'; width: number; height: number }
  | { type: 'config'; config: ExperimentConfig }
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
}

export type FromWorker =
  | { type: 'ready'; adapter: string; renderPath: RenderPath; training: boolean; trainingNote: string }
  | { type: 'status'; status: RunStatus }
  | { type: 'summary'; summary: StepSummary }
  | { type: 'quality'; report: QualityReport }
  | { type: 'notice'; level: 'info' | 'warning'; text: string }
  | { type: 'fatal'; kind: 'no-webgpu' | 'device-lost' | 'error'; message: string };
