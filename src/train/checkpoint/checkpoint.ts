/**
 * FlowMap Lab checkpoints: a safetensors file whose tensors are the network parameters under PyTorch
 * names and layouts (`layers.0.weight` as [out, in], float32) and whose metadata holds the full
 * experiment config as JSON, so a checkpoint alone reproduces the run and loads in PyTorch with
 * `safetensors.torch.load_file` (see docs/checkpoints.md).
 */
import { parseExperiment, type ExperimentConfig } from '../config.ts';
import { CheckpointError } from './errors.ts';
import { decodeSafetensors, encodeSafetensors, toFloat32, type SafeTensor } from './safetensors.ts';

/** Version of the checkpoint layout (metadata keys and naming), stored as metadata "flowmap_lab". */
export const CHECKPOINT_VERSION = '1';

export interface Parameter {
  shape: number[];
  data: Float32Array;
}

export interface Checkpoint {
  params: Map<string, Parameter>;
  config: ExperimentConfig;
  /** All metadata strings, including "format", "flowmap_lab" and "config". */
  metadata: Record<string, string>;
}

/**
 * The bytes of a checkpoint. `extra` adds metadata strings (e.g. "step", "stage"); the reserved keys
 * "format" ("pt"), "flowmap_lab" and "config" are written by this function.
 */
export function encodeCheckpoint(
  params: Record<string, Parameter> | Map<string, Parameter>,
  config: ExperimentConfig,
  extra: Record<string, string> = {},
): Uint8Array {
  const tensors = new Map<string, SafeTensor>();
  for (const [name, p] of params instanceof Map ? params : Object.entries(params)) {
    tensors.set(name, { dtype: 'F32', shape: [...p.shape], data: p.data });
  }
  return encodeSafetensors(tensors, {
    ...extra,
    format: 'pt',
    flowmap_lab: CHECKPOINT_VERSION,
    config: JSON.stringify(config),
  });
}

/** Reads a checkpoint: parameters as float32 (F64/F16/BF16 files convert) and the validated config. */
export function decodeCheckpoint(bytes: Uint8Array | ArrayBuffer): Checkpoint {
  const file = decodeSafetensors(bytes);
  const raw = file.metadata.config;
  if (raw === undefined)
    throw new CheckpointError(
      'its metadata has no "config"; load it as plain tensors with decodeSafetensors',
    );
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw new CheckpointError(`metadata "config" is not valid JSON (${(e as Error).message})`);
  }
  const params = new Map<string, Parameter>();
  for (const [name, t] of file.tensors) params.set(name, { shape: t.shape, data: toFloat32(t) });
  return { params, config: parseExperiment(json), metadata: file.metadata };
}

/**
 * Checks that a checkpoint's parameters match the names and shapes a network expects; throws
 * CheckpointError listing every missing, unexpected or mis-shaped parameter.
 */
export function checkParameters(
  params: Map<string, Parameter>,
  expected: Record<string, readonly number[]>,
): void {
  const problems: string[] = [];
  for (const [name, shape] of Object.entries(expected)) {
    const p = params.get(name);
    if (!p) problems.push(`missing ${name}`);
    else if (p.shape.join(',') !== shape.join(','))
      problems.push(`${name} is [${p.shape}], expected [${shape}]`);
  }
  for (const name of params.keys()) if (!(name in expected)) problems.push(`unexpected ${name}`);
  if (problems.length)
    throw new CheckpointError(
      `its parameters do not fit this network (${problems.join('; ')}); check net width, depth and time features in the config`,
    );
}
