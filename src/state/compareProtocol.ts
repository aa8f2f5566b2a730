/**
 * Messages between the compare page and its worker: ONE worker and one GPUDevice for every member; each
 * member has its own transferred canvas and its own session, tagged by a member id. Play, pause, step,
 * reset and steps per frame act on every member; add and remove change one without touching the others.
 */
import type { ExperimentConfig } from '../train/config.ts';
import type { FromWorker, RenderPath } from './protocol.ts';
import type { ViewSettings } from './viewSettings.ts';

export type ToCompareWorker =
  | { type: 'init'; forceReadback: boolean; view: ViewSettings }
  | {
      type: 'add';
      id: number;
      canvas: OffscreenCanvas;
      width: number;
      height: number;
      config: ExperimentConfig;
    }
  | { type: 'remove'; id: number }
  | { type: 'view'; view: ViewSettings }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step'; steps: number }
  | { type: 'reset' }
  | { type: 'stepsPerFrame'; steps: number };

export type FromCompareWorker =
  | { type: 'ready'; adapter: string; software: boolean; renderPath: RenderPath }
  | { type: 'member'; id: number; msg: FromWorker }
  | { type: 'fatal'; message: string };
