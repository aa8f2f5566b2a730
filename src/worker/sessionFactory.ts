/**
 * The training engine, when this build has one: src/train/index.ts (or src/train/trainSession.ts) exporting
 * `createSession(gpu, config, { method }): Promise<TrainingSession>`. Found with a glob so that the playground builds and
 * runs (showing data, saying that training is not available) before the engine exists, and picks it up as
 * soon as it does - with no fake training in between.
 */
import type { GpuContext } from '../engine/device.ts';
import type { Runtime } from '../engine/runtime.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { TrainingSession } from '../train/session.ts';
import { methodById, type Method } from '../methods/index.ts';

/** Where a new session starts: a snapshot's values and step (after a lost device), else from scratch. */
export interface SessionStart {
  initial?: Record<string, ArrayLike<number>>;
  startStep?: number;
  /** The teacher's parameters are in `initial` (a checkpoint of a distillation run): its stage is skipped. */
  teacherLoaded?: boolean;
  /** Shared by the sessions of one device: an experiment change of the same shapes compiles nothing. */
  runtime?: Runtime;
}

export type CreateSession = (
  gpu: GpuContext,
  config: ExperimentConfig,
  start?: SessionStart,
) => Promise<TrainingSession>;
type EngineCreateSession = (
  gpu: GpuContext,
  config: ExperimentConfig,
  opts: { method: Method } & SessionStart,
) => Promise<TrainingSession>;

const engines = import.meta.glob<{ createSession?: EngineCreateSession }>([
  '../train/index.ts',
  '../train/trainSession.ts',
]);

export const NO_TRAINING_NOTE =
  'Training is not available in this build yet: the training engine (src/train) has not landed. The canvas shows real data samples drawn on your GPU.';

/** The engine's createSession, or null with no engine in this build. */
export async function loadCreateSession(): Promise<CreateSession | null> {
  for (const key of ['../train/index.ts', '../train/trainSession.ts']) {
    const load = engines[key];
    if (!load) continue;
    const create = (await load()).createSession;
    if (typeof create === 'function')
      return (gpu, config, start) => create(gpu, config, { method: methodById(config.method), ...start });
  }
  return null;
}
