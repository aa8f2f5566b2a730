/**
 * Class conditioning and classifier-free guidance in the trainer (config.condition; docs/methods.md).
 * Every 'flowMap' network of a labelled run is F(x, t, s; c): the one-hot class c [B, K] is appended to
 * the network's input features (flowNet's conditioning inputs), and the null class is c = 0. A loss that
 * trains the unconditional branch (OptimizerGroup.labelDropout) sees c = 0 on a `dropout` share of rows.
 * The teacher is guided: u_w(x, t | c) = u(x, t | 0) + w (u(x, t | c) - u(x, t | 0)).
 * Methods stay unaware: the trainer binds each network to the batch's labels (rows 0..n-1 for a call on
 * n <= B rows, e.g. FreeFlow's predictor and corrector parts) and the teacher to its guided velocity.
 */
import {
  broadcastTo,
  constant,
  greater,
  input,
  mul,
  add,
  sub,
  random,
  slice,
  type Tensor,
} from '../autodiff/index.ts';
import { labellingOf, oneHot, sampleLabelsCpu } from '../engine/cpu/sampleData.ts';
import type { FlowMapFn, Method, VelocityFn } from '../methods/method.ts';
import { flowNet, type FlowNetOptions, type ParamTensors } from '../nn/index.ts';
import type { ExperimentConfig } from './config.ts';
import { StageError } from './errors.ts';

/** Philox stream of the classes a data-free stage draws (the data's class prior, no points). */
export const LABEL_STREAM = 0x1abe1;
/** Label-dropout uniforms of group g, update u: stream DROPOUT_STREAM + 16 g + u. */
export const DROPOUT_STREAM = 0x1abe100;
/** Philox stream of the classes of "all classes" sampling. */
export const SAMPLE_LABEL_STREAM = 0x1abe2;
/** Sampling inputs the host fills: the one-hot class per noise row, and the guidance scale w. */
export const LABEL_INPUT = 'sample.label';
/**
 * The guidance scale of a training step's teacher, an input fed from config.condition.cfg: the step's
 * kernels are then the same for every w, so runs at several scales compile them once (pipeline cache).
 */
export const TRAIN_CFG_INPUT = 'condition.cfg';
export const CFG_INPUT = 'sample.cfg';

/** The number of classes of a labelled config; 0 without conditioning. */
export const classCount = (config: ExperimentConfig): number =>
  config.condition ? labellingOf(config.dataset, config.condition.labels).classes : 0;

/** The first n rows of a [B, K] label tensor (a network called on part of the batch). */
export function labelRows(label: Tensor, n: number): Tensor {
  const b = label.shape[0];
  if (n === b) return label;
  if (n > b)
    throw new StageError(
      `a labelled network was called on ${n} rows but the batch has ${b} labels; call networks on at most the batch size.`,
    );
  return slice(label, 0, 0, n);
}

/** The null class (all-zero one-hot) for n rows of K classes: a broadcast constant, no buffer. */
export const nullLabel = (n: number, k: number): Tensor => broadcastTo(constant(0), [n, k]);

/** Labels with each row replaced by the null class with probability p (uniforms of `stream`). */
export function dropLabels(label: Tensor, p: number, stream: number): Tensor {
  const keep = greater(random([label.shape[0], 1], 'uniform', stream), p);
  return mul(label, keep);
}

/** F(x, t, s; c) with c the label rows matching x. */
export function labelledNet(params: ParamTensors, opts: FlowNetOptions, label: Tensor): FlowMapFn {
  return (x, t, s) => flowNet(params, x, t, s, opts, [labelRows(label, x.shape[0])]);
}

/** u_uncond + w (u_cond - u_uncond); w = 1 is the conditional field alone (no second evaluation). */
export function guide(cond: Tensor, uncond: () => Tensor, w: number | Tensor): Tensor {
  if (w === 1) return cond;
  const u0 = uncond();
  return add(u0, mul(sub(cond, u0), w));
}

/** The guided velocity of a labelled flow network's diagonal. */
export function guidedNetworkVelocity(
  params: ParamTensors,
  opts: FlowNetOptions,
  label: Tensor,
  w: number | Tensor,
): VelocityFn {
  return (x, t) => {
    const n = x.shape[0];
    const k = label.shape[1];
    return guide(
      flowNet(params, x, t, t, opts, [labelRows(label, n)]),
      () => flowNet(params, x, t, t, opts, [nullLabel(n, k)]),
      w,
    );
  };
}

/** The guided analytic velocity from the exact class-conditional field u(x, t | c) (c = 0: unconditional). */
export function guidedAnalyticVelocity(
  conditional: (z: Tensor, t: Tensor, c: Tensor) => Tensor,
  unconditional: VelocityFn,
  label: Tensor,
  w: number | Tensor,
): VelocityFn {
  return (x, t) => guide(conditional(x, t, labelRows(label, x.shape[0])), () => unconditional(x, t), w);
}

/** Whether a network is trained with label dropout somewhere (so its sampler may be guided). */
export function trainedWithDropout(method: Method, net: string): boolean {
  return method.stages.some((st) =>
    [st.main, ...(st.extra ?? [])].some((g) => g.labelDropout && g.trains.includes(net)),
  );
}

/**
 * A network for a sampling graph of n rows: unconditional as before, or F(x, t, s; c) with c the
 * LABEL_INPUT rows, guided by CFG_INPUT when `guided`.
 */
export function samplingNet(
  params: ParamTensors,
  opts: FlowNetOptions,
  config: ExperimentConfig,
  n: number,
  guided: boolean,
): FlowMapFn {
  const k = classCount(config);
  if (k === 0) return (x, t, s) => flowNet(params, x, t, s, opts);
  const label = input(LABEL_INPUT, [n, k]);
  const w = guided ? input(CFG_INPUT, [1]) : 1;
  return (x, t, s) =>
    guide(
      flowNet(params, x, t, s, opts, [labelRows(label, x.shape[0])]),
      () => flowNet(params, x, t, s, opts, [nullLabel(x.shape[0], k)]),
      w,
    );
}

/** What a sampler draws: one class (0..K-1) or every class (-1, each row's class from the class prior). */
export interface SampleCondition {
  classIndex: number;
  cfg: number;
}

export class UnknownClassError extends Error {
  override name = 'UnknownClassError';
  constructor(classIndex: number, classes: number) {
    super(`Class ${classIndex} does not exist: give -1 (all classes) or 0..${classes - 1}.`);
  }
}

/** The host's one-hot labels [n, K] for a sampling condition (f32 row-major). */
export function samplingLabels(config: ExperimentConfig, n: number, classIndex: number): Float32Array {
  const lab = labellingOf(config.dataset, config.condition!.labels);
  if (!(Number.isInteger(classIndex) && classIndex >= -1 && classIndex < lab.classes))
    throw new UnknownClassError(classIndex, lab.classes);
  const labels =
    classIndex === -1
      ? sampleLabelsCpu(config.dataset, config.condition!.labels, n, config.seed, SAMPLE_LABEL_STREAM, 0)
      : new Int32Array(n).fill(classIndex);
  return Float32Array.from(oneHot(labels, lab.classes));
}
