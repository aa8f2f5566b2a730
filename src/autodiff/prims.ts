/**
 * The primitives of the graph: a small, named set with typed parameters (tinygrad / jax-js style).
 * Every transformation (jvp, vjp, CPU evaluation, GPU lowering) is a table keyed by `Prim`, typed so
 * that a primitive without a rule does not compile.
 */

export type Shape = readonly number[];

export type Activation = 'identity' | 'silu' | 'gelu' | 'tanh' | 'relu' | 'sigmoid';

/** Elementwise functions of one argument (activations are their own primitive, with derivatives). */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'recip' | 'sin' | 'cos' | 'abs';

/** Elementwise functions of two arguments, numpy broadcasting. `greater` gives 1 or 0 (no derivative). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'greater';

export type RandomDist = 'uniform' | 'normal';

export enum Prim {
  /** An external tensor fed by name: parameters, optimizer state, a step counter, a batch. */
  Input = 'input',
  /** A scalar constant (shape []), broadcast by the ops that use it. */
  Constant = 'constant',
  /** Counter-based random numbers (Philox) from (seed, stream, step, element). No derivative. */
  Random = 'random',
  /** Samples of a toy dataset drawn on the device from (seed, stream, step). No derivative. */
  SampleData = 'sampleData',
  Unary = 'unary',
  /** act^(order)(x): an activation or its first, second or third derivative. */
  Activation = 'activation',
  Binary = 'binary',
  /** where(cond > 0.5, a, b), broadcasting. */
  Select = 'select',
  ReduceSum = 'reduceSum',
  ReduceMax = 'reduceMax',
  BroadcastTo = 'broadcastTo',
  Reshape = 'reshape',
  Concat = 'concat',
  Slice = 'slice',
  /** opA(A) . opB(B) for 2-D operands. */
  Matmul = 'matmul',
  /** act(x W^T + b), PyTorch layout W:[out, in]. Fused matmul + bias + activation. */
  Dense = 'dense',
  /** Two outputs: y = act(x W^T + b) and y' = act'(x W^T + b) * (x' W^T). The tangent is a second RHS. */
  DenseJvp = 'denseJvp',
  StopGradient = 'stopGradient',
  /**
   * One AdamW update of n parameter tensors. Inputs (p1..pn, g1..gn, m1..mn, v1..vn, step), outputs
   * (p1'..pn', m1'..mn', v1'..vn'). Not differentiable. Lowered to one dispatch over all parameters.
   */
  Adam = 'adam',
}

export interface AdamParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Clip the global gradient norm to this value; 0 disables. */
  clipNorm: number;
  /**
   * Cosine learning-rate decay over this many updates (0 or absent: a constant lr). The update with 1-based
   * step t uses lr * (1 + cos(pi * min(t - 1, T) / T)) / 2, as torch's CosineAnnealingLR(T_max = T, eta_min = 0)
   * stepped once after each update, held at its end past T.
   */
  decaySteps?: number;
}

/** The parameters of each primitive. */
export interface PrimParams {
  [Prim.Input]: { name: string };
  [Prim.Constant]: { value: number };
  [Prim.Random]: { dist: RandomDist; stream: number };
  [Prim.SampleData]: { dataset: string; stream: number; labels?: string };
  [Prim.Unary]: { op: UnaryOp };
  [Prim.Activation]: { act: Activation; order: 0 | 1 | 2 | 3 };
  [Prim.Binary]: { op: BinaryOp };
  [Prim.Select]: Record<string, never>;
  [Prim.ReduceSum]: { axes: number[]; keepDims: boolean };
  [Prim.ReduceMax]: { axes: number[]; keepDims: boolean };
  [Prim.BroadcastTo]: { shape: Shape };
  [Prim.Reshape]: { shape: Shape };
  [Prim.Concat]: { axis: number };
  [Prim.Slice]: { axis: number; start: number; size: number };
  [Prim.Matmul]: { transA: boolean; transB: boolean };
  [Prim.Dense]: { act: Activation };
  [Prim.DenseJvp]: { act: Activation };
  [Prim.StopGradient]: Record<string, never>;
  [Prim.Adam]: AdamParams;
}

export const ALL_PRIMS: readonly Prim[] = Object.values(Prim);
