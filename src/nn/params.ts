/**
 * Parameters with PyTorch names and layouts (`layers.0.weight` is [out, in] as torch.nn.Linear,
 * `layers.0.bias` is [out]), float64 on the host, named `input` tensors in the graph.
 */
import { uniformAt } from '../engine/cpu/philox.ts';
import { add, input, mul, type Tensor } from '../autodiff/index.ts';

export interface ParamSpec {
  /** The torch state_dict key, e.g. `layers.1.weight`. */
  name: string;
  shape: number[];
  /** PyTorch default Linear init: U(-bound, bound), bound = 1 / sqrt(fan_in) for weight AND bias. */
  init: { kind: 'uniform'; bound: number };
}

export type ParamValues = Record<string, Float64Array>;
export type ParamTensors = Record<string, Tensor>;

/** Philox stream of the init of parameter k: far from the streams a training step uses. */
export const INIT_STREAM_BASE = 0x10000;

/**
 * Seeded init: element i of the k-th parameter of `spec` is (2 u - 1) bound with
 * u = uniformAt(seed, INIT_STREAM_BASE + k, 0, i). The same seed gives the same network everywhere.
 */
export function initParams(spec: readonly ParamSpec[], seed: number): ParamValues {
  const out: ParamValues = {};
  spec.forEach((p, k) => {
    const n = p.shape.reduce((a, d) => a * d, 1);
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = (2 * uniformAt(seed, INIT_STREAM_BASE + k, 0, i) - 1) * p.init.bound;
    out[p.name] = v;
  });
  return out;
}

/**
 * One graph `input` per parameter, named prefix + torch name (e.g. `teacher.layers.0.weight`); the
 * record is keyed by the torch name without prefix, so networks read `params['layers.0.weight']`.
 */
export function paramInputs(spec: readonly ParamSpec[], prefix = ''): ParamTensors {
  const out: ParamTensors = {};
  for (const p of spec) out[p.name] = input(prefix + p.name, p.shape);
  return out;
}

/** The tensors of `params` in the order of `spec` (for grad, adam and checkpoints). */
export const paramList = (spec: readonly ParamSpec[], params: ParamTensors): Tensor[] =>
  spec.map((p) => params[p.name]);

/** Host values renamed with a prefix, ready to feed the inputs of `paramInputs(spec, prefix)`. */
export function prefixed(values: ParamValues, prefix: string): ParamValues {
  const out: ParamValues = {};
  for (const [k, v] of Object.entries(values)) out[prefix + k] = v;
  return out;
}

/** Exponential moving average as graph ops: p_ema' = d p_ema + (1 - d) p, per tensor. */
export function emaUpdate(
  ema: readonly Tensor[],
  params: readonly Tensor[],
  decay: number | Tensor,
): Tensor[] {
  const keep = typeof decay === 'number' ? 1 - decay : add(1, mul(-1, decay));
  return ema.map((e, i) => add(mul(decay, e), mul(keep, params[i])));
}
