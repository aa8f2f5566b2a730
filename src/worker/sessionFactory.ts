/**
 * The training engine, when this build has one: src/train/index.ts (or src/train/trainSession.ts) exporting
 * `createSession(gpu, config, { method }): Promise<TrainingSession>`. Found with a glob so that the playground builds and
 * runs (showing data, saying that training is not available) before the engine exists, and picks it up as
 * soon as it does - with no fake training in between.
 */
import type { GpuContext } from '../engine/device.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { TrainingSession } from '../train/session.ts';
import { methodById, type Method } from '../methods/index.ts';

export type CreateSession = (gpu: GpuContext, config: ExperimentConfig) => Promise<TrainingSession>;
type EngineCreateSession = (
  gpu: GpuContext,
  config: ExperimentConfig,
  opts: { method: Method },
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
      return (gpu, config) => create(gpu, config, { method: methodById(config.method) });
  }
  return null;
}
