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
}

/**
 * The batch size a batch file implies: the first dimension of its `data` tensor; without data (FreeFlow)
 * the batch is split into consecutive parts (predictor rows, then corrector rows), so B is the rows of
 * `random.0` plus those of the first later tensor with another row count.
 */
export function batchSize(tensors: Map<string, SafeTensor>): number {
  const data = tensors.get('data');
  if (data && data.shape.length >= 1) return data.shape[0];
  const first = tensors.get('random.0');
  if (!first || first.shape.length < 1)
    throw new UsageError(
      'The batch file needs a tensor "data" [B, 2] or "random.0" [B, ...]: see docs/checking.md.',
    );
  for (let k = 1; tensors.has(`random.${k}`); k++) {
    const rows = tensors.get(`random.${k}`)!.shape[0];
    if (rows !== first.shape[0]) return first.shape[0] + rows;
  }
  return first.shape[0];
}

export function checkBatch(g: LossCheckGraph, tensors: Map<string, SafeTensor>): void {
  const problems: string[] = [];
  for (const b of g.batch) {
    const t = tensors.get(b.name);
    if (!t) problems.push(`missing "${b.name}" [${b.shape}] (${b.dist})`);
    else if (t.shape.join(',') !== b.shape.join(','))
      problems.push(`"${b.name}" is [${t.shape}], expected [${b.shape}]`);
  }
  if (problems.length)
    throw new UsageError(
      `The batch file does not fit this method: ${problems.join('; ')}. See docs/checking.md.`,
    );
}

export async function lossCommand(flags: LossFlags): Promise<number> {
  const ck = readCheckpoint(flags.checkpoint);
  let batchBytes: Uint8Array;
  try {
    batchBytes = readFileSync(flags.batch);
  } catch (e) {
    throw new UsageError(`Cannot read --batch ${flags.batch}: ${(e as Error).message}.`);
  }
  const tensors = decodeSafetensors(batchBytes).tensors;
  const config: ExperimentConfig = { ...ck.config, train: { ...ck.config.train, batch: batchSize(tensors) } };
  const method = methodById(config.method);
  const params = resolveParams(method, config.params);
  const plan = planStages(method, config, params, { teacherLoaded: hasTeacher(ck) });
  const stage = plan[plan.length - 1];
  const g = lossCheckGraph(method, config, params, stage.stage, stage.teacher);
  checkBatch(g, tensors);

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
