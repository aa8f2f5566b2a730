/**
 * `flowmap-lab loss`: the method's loss terms and the gradient of the total for every trained parameter,
 * on a batch whose random inputs are all given (docs/checking.md names them per method), computed by the
 * same compiled GPU program the training step uses.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { compileStep } from '../../autodiff/compile.ts';
import { graphInputs } from '../../autodiff/index.ts';
import { acquireGpu } from '../../engine/index.ts';
import { Runtime } from '../../engine/runtime.ts';
import { methodById, resolveParams } from '../../methods/index.ts';
import {
  decodeSafetensors,
  encodeSafetensors,
  toFloat32,
  type SafeTensor,
} from '../../train/checkpoint/index.ts';
import type { ExperimentConfig } from '../../train/config.ts';
import { lossCheckGraph, type LossCheckGraph } from '../../train/lossCheck.ts';
import { planStages } from '../../train/plan.ts';
import { UsageError } from '../errors.ts';
import { hasTeacher, readCheckpoint } from './evaluate.ts';

export interface LossFlags {
  checkpoint: string;
  batch: string;
  out?: string;
  /** Compute even with non-finite values or uniforms outside [0, 1) in the batch. */
  allowNonfinite?: boolean;
}

/** Batch sizes a batch file may imply: each tensor's first dimension, and sums of two (FreeFlow's P + C rows). */
function batchCandidates(tensors: Map<string, SafeTensor>): number[] {
  const dims = [...new Set([...tensors.values()].map((t) => t.shape[0]).filter((d) => d > 0))];
  const sums = dims.flatMap((a) => dims.map((b) => a + b));
  return [...new Set([...dims, ...sums])].sort((a, b) => a - b);
}

/**
 * The batch size B of a batch file: the smallest candidate for which every tensor the method reads has the
 * shape the method expects (`data` and most draws are [B, ...]; FreeFlow's are [3B/4, ...] and [B/4, ...]).
 */
export function fitBatch(
  tensors: Map<string, SafeTensor>,
  graphFor: (batch: number) => LossCheckGraph,
  file: string,
): LossCheckGraph {
  if (tensors.size === 0)
    throw new UsageError(
      `--batch ${file} holds no tensors: give data, random.0, ... as docs/checking.md lists.`,
    );
  for (const b of batchCandidates(tensors)) {
    const g = graphFor(b);
    if (g.batch.every((x) => tensors.get(x.name)?.shape.join(',') === x.shape.join(','))) return g;
  }
  const guess = tensors.get('data') ?? tensors.get('random.0') ?? [...tensors.values()][0];
  const g = graphFor(Math.max(1, guess.shape[0] ?? 1));
  checkBatch(g, tensors, file);
  return g;
}

export function checkBatch(
  g: LossCheckGraph,
  tensors: Map<string, SafeTensor>,
  file = 'the batch file',
): void {
  const problems: string[] = [];
  for (const b of g.batch) {
    const t = tensors.get(b.name);
    if (!t) problems.push(`missing "${b.name}" [${b.shape}] (${b.dist})`);
    else if (t.shape.join(',') !== b.shape.join(','))
      problems.push(`"${b.name}" is [${t.shape}], expected [${b.shape}]`);
  }
  if (problems.length)
    throw new UsageError(
      `--batch ${file} does not fit this method: ${problems.join('; ')}. See docs/checking.md.`,
    );
}

/**
 * Values a training step could not draw are refused: non-finite numbers anywhere, uniforms outside [0, 1).
 * `allow` (--allow-nonfinite) lets them through, to see what the loss does with them.
 */
export function checkBatchValues(
  g: LossCheckGraph,
  tensors: Map<string, SafeTensor>,
  file: string,
  allow: boolean,
): void {
  if (allow) return;
  for (const b of g.batch) {
    const data = tensors.get(b.name)!.data;
    for (let i = 0; i < data.length; i++) {
      const v = Number(data[i]);
      if (!Number.isFinite(v))
        throw new UsageError(
          `--batch ${file}: "${b.name}"[${i}] is ${v}; give finite numbers (or pass --allow-nonfinite to compute anyway).`,
        );
      if (b.dist === 'uniform' && !(v >= 0 && v < 1))
        throw new UsageError(
          `--batch ${file}: "${b.name}"[${i}] is ${v}, outside [0, 1) where a uniform draw lies; give U[0, 1) numbers (docs/checking.md) or pass --allow-nonfinite.`,
        );
    }
  }
}

/** A safetensors file's tensors, or a one-line UsageError naming the flag and the file. */
export function readTensorFile(flag: string, path: string): Map<string, SafeTensor> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`Cannot read ${flag} ${path}: ${(e as Error).message}.`);
  }
  try {
    return decodeSafetensors(bytes).tensors;
  } catch (e) {
    throw new UsageError(`${flag} ${path}: ${(e as Error).message}`);
  }
}

export async function lossCommand(flags: LossFlags): Promise<number> {
  const ck = readCheckpoint(flags.checkpoint);
  const tensors = readTensorFile('--batch', flags.batch);
  const method = methodById(ck.config.method);
  const params = resolveParams(method, ck.config.params);
  let config: ExperimentConfig = ck.config;
  const plan = planStages(method, config, params, { teacherLoaded: hasTeacher(ck) });
  const stage = plan[plan.length - 1];
  const g = fitBatch(
    tensors,
    (batch) => {
      config = { ...ck.config, train: { ...ck.config.train, batch } };
      return lossCheckGraph(method, config, params, stage.stage, stage.teacher);
    },
    flags.batch,
  );
  checkBatchValues(g, tensors, flags.batch, flags.allowNonfinite === true);

  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  try {
    const rt = new Runtime(gpu);
    const feeds: Record<string, ArrayLike<number>> = { ...g.feeds };
    for (const [k, p] of ck.params) feeds[k] = p.data;
    for (const b of g.batch) feeds[b.name] = toFloat32(tensors.get(b.name)!);
    checkFeeds(feeds, g);
    const step = compileStep({ outputs: g.outputs, feeds }, rt, { seed: config.seed });
    step.run(1);
    const out = new Map<string, SafeTensor>();
    for (const [name, t] of Object.entries(g.outputs))
      out.set(name, { dtype: 'F32', shape: [...t.shape], data: await step.read(name) });
    for (const [name, t] of out) if (!name.startsWith('grad.')) console.log(`${name} = ${t.data[0]}`);
    if (flags.out) {
      writeFileSync(
        flags.out,
        encodeSafetensors(out, {
          method: method.id,
          stage: stage.stage.name,
          config: JSON.stringify(config),
        }),
      );
      console.error(
        `Wrote ${out.size} tensors (loss terms of every optimiser group and grad.<parameter>) to ${flags.out}`,
      );
    }
    step.destroy();
    return 0;
  } finally {
    gpu.destroy();
  }
}

/** Every input the graph reads must be fed: a missing parameter would silently start at zero. */
function checkFeeds(feeds: Record<string, ArrayLike<number>>, g: LossCheckGraph): void {
  const missing = [...graphInputs(Object.values(g.outputs)).keys()].filter((k) => !(k in feeds));
  if (missing.length)
    throw new UsageError(
      `The checkpoint lacks ${missing.join(', ')}, which this method's loss reads: use a checkpoint written for this config.`,
    );
}
