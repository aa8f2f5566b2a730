/**
 * The training engine, when this build has one: src/train/index.ts exporting
 * `createSession(gpu, config): Promise<TrainingSession>`. Found with a glob so that the playground builds and
 * runs (showing data, saying that training is not available) before the engine exists, and picks it up as
 * soon as it does - with no fake training in between.
 */
import type { GpuContext } from '../engine/device.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { TrainingSession } from '../train/session.ts';

export type CreateSession = (gpu: GpuContext, config: ExperimentConfig) => Promise<TrainingSession>;

const engines = import.meta.glob<{ createSession?: CreateSession }>('../train/index.ts');

export const NO_TRAINING_NOTE =
  'Training is not available in this build yet: the training engine (src/train) has not landed. The canvas shows real data samples drawn on your GPU.';

/** The engine's createSession, or null with no engine in this build. */
export async function loadCreateSession(): Promise<CreateSession | null> {
  const load = Object.values(engines)[0];
  if (!load) return null;
  const mod = await load();
  return typeof mod.createSession === 'function' ? mod.createSession : null;
}
