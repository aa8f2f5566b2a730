/** `flowmap-lab eval`: a checkpoint's samples at each NFE scored against fresh data, beside the floor. */
import { readFileSync } from 'node:fs';
import { acquireGpu } from '../../engine/index.ts';
import { methodById } from '../../methods/index.ts';
import {
  CheckpointError,
  decodeCheckpoint,
  SafetensorsDtypeError,
  SafetensorsFormatError,
  type Checkpoint,
} from '../../train/checkpoint/index.ts';
import { ConfigError } from '../../train/config.ts';
import { createSession } from '../../train/trainSession.ts';
import { writeSamples } from '../artifacts.ts';
import { UsageError } from '../errors.ts';
import { reportRows, textTable } from '../output/table.ts';
import { CSV_NFES } from './train.ts';

export interface EvalFlags {
  checkpoint: string;
  nfe: number[];
  samples: number;
  seed?: number;
  out?: string;
}

export function readCheckpoint(path: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(
      `Cannot read --checkpoint ${path}: ${(e as Error).message}. Give a checkpoint.safetensors written by \`flowmap-lab train\`.`,
    );
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (e) {
    // which of the files is bad, and why, on one line (the reasons say what to do)
    if (e instanceof Error && CHECKPOINT_ERRORS.some((c) => e instanceof c))
      throw new UsageError(`--checkpoint ${path}: ${e.message}`);
    throw e;
  }
}

const CHECKPOINT_ERRORS = [SafetensorsFormatError, SafetensorsDtypeError, CheckpointError, ConfigError];

export const initialValues = (ck: Checkpoint): Record<string, Float32Array> =>
  Object.fromEntries([...ck.params].map(([k, p]) => [k, p.data]));

export const hasTeacher = (ck: Checkpoint) => [...ck.params.keys()].some((k) => k.startsWith('teacher.'));

export async function evalCommand(flags: EvalFlags): Promise<number> {
  const ck = readCheckpoint(flags.checkpoint);
  const config = flags.seed === undefined ? ck.config : { ...ck.config, seed: flags.seed };
  const method = methodById(config.method);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const session = await createSession(gpu, config, {
    method,
    initial: initialValues(ck),
    teacherLoaded: hasTeacher(ck),
  });
  try {
    const ev = await session.evaluate(flags.samples, flags.nfe, true);
    console.log(textTable(reportRows(ev.report)));
    if (flags.out) {
      const files = writeSamples(
        flags.out,
        config.dataset,
        ev.data,
        ev.sets,
        flags.nfe.filter((k) => CSV_NFES.includes(k) || flags.nfe.length <= 4),
      );
      console.error(`Wrote ${files.join(', ')} in ${flags.out}`);
    }
    return 0;
  } finally {
    session.dispose();
    gpu.destroy();
  }
}
