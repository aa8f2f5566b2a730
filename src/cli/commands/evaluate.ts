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
import { ConfigError, datasetOf, type ExperimentConfig } from '../../train/config.ts';
import { createSession, type FlowSession } from '../../train/trainSession.ts';
import { sampleClassReference, labellingOf } from '../../data/index.ts';
import { scoreClassSets } from '../../train/quality.ts';
import { spread } from '../../train/floorSpread.ts';
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
  /** Labelled checkpoints: score samples of this class only, against the class's data. */
  class?: number;
  /** Labelled checkpoints: the guidance scale w of guided samplers (default: the checkpoint's). */
  cfg?: number;
  /** Data-vs-data pairs whose smallest..largest floor the table shows beside the floor (0: none). */
  floorDraws?: number;
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
  if (flags.class !== undefined || flags.cfg !== undefined) checkClassFlags(config, flags);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const session = await createSession(gpu, config, {
    method,
    initial: initialValues(ck),
    teacherLoaded: hasTeacher(ck),
  });
  try {
    if (flags.class !== undefined || flags.cfg !== undefined) {
      return await evalClass(session, config, flags);
    }
    const ev = await session.evaluate(flags.samples, flags.nfe, true);
    console.log(textTable(reportRows(spread(ev.report, config, flags.floorDraws))));
    if (flags.out) {
      const files = writeSamples(
        flags.out,
        datasetOf(config),
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

/** Checks --class and --cfg against a checkpoint before any GPU work. */
export function checkClassFlags(config: ExperimentConfig, flags: Pick<EvalFlags, 'class' | 'cfg'>): void {
  if (!config.condition)
    throw new UsageError(
      'This checkpoint was trained without class labels: drop --class and --cfg, or train with a condition block (docs/methods.md).',
    );
  const k = labellingOf(config.dataset, config.condition.labels).classes;
  if (flags.class !== undefined && !(Number.isInteger(flags.class) && flags.class >= -1 && flags.class < k))
    throw new UsageError(
      `--class ${flags.class}: give -1 (all classes) or 0..${k - 1} (${config.condition.labels}).`,
    );
  if (flags.cfg !== undefined && !(flags.cfg >= 0 && flags.cfg <= 16))
    throw new UsageError(`--cfg ${flags.cfg}: give a guidance scale w in [0, 16].`);
}

/** `eval --class K --cfg W`: samples of one class (guided at w) scored against that class's data. */
async function evalClass(session: FlowSession, config: ExperimentConfig, flags: EvalFlags): Promise<number> {
  const classIndex = flags.class ?? -1;
  const cfg = flags.cfg ?? config.condition!.cfg;
  session.setSampleCondition({ classIndex, cfg });
  const sets = new Map<string, Float32Array>();
  for (const kind of [...flags.nfe, 'teacher' as const])
    sets.set(String(kind), await session.freshSamples(kind, flags.samples, 1));
  const scored = [...sets].map(([label, points]) => ({ label, points }));
  const labels = config.condition!.labels;
  console.error(`class ${classIndex === -1 ? 'all' : classIndex} of ${labels}, guidance w = ${cfg}`);
  if (classIndex === -1) {
    const ev = await session.evaluate(flags.samples, flags.nfe, true);
    console.log(textTable(reportRows(spread(ev.report, config, flags.floorDraws))));
    return 0;
  }
  const report = scoreClassSets(config.dataset, labels, classIndex, scored, session.step, config.seed + 7);
  const cls = { labelling: labels, index: classIndex };
  console.log(textTable(reportRows(spread(report, config, flags.floorDraws, cls))));
  if (flags.out) {
    const data = Float32Array.from(
      sampleClassReference(config.dataset, labels, classIndex, flags.samples, config.seed + 8),
    );
    const files = writeSamples(
      flags.out,
      config.dataset,
      data,
      sets,
      flags.nfe.filter((k) => CSV_NFES.includes(k)),
    );
    console.error(`Wrote ${files.join(', ')} in ${flags.out}`);
  }
  return 0;
}
