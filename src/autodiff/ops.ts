/**
 * Ops: functions that build nodes, with shape checks. Methods and networks are written with these.
 * Broadcasting follows numpy: shapes align on the right, a dimension of 1 stretches.
 */
import { labellingOf } from '../engine/cpu/sampleData.ts';
import { emit, sameShape, ShapeError, type Tensor } from './graph.ts';
import {
  Prim,
  type Activation,
  type AdamParams,
  type BinaryOp,
  type RandomDist,
  type Shape,
  type UnaryOp,
} from './prims.ts';

export type TensorLike = Tensor | number;

const one = <T>(xs: T[]): T => xs[0];

export function broadcastShapes(...shapes: Shape[]): Shape {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      const e = k < 0 ? 1 : s[k];
      if (e !== 1 && d !== 1 && e !== d) {
        throw new ShapeError(
          `cannot broadcast shapes ${shapes.map((x) => `[${x.join(',')}]`).join(' and ')}`,
        );
      }
      if (e !== 1) d = e;
    }
    out.push(d);
  }
  return out;
}

function normAxes(axes: number[] | undefined, rank: number): number[] {
  const all = axes ?? [...Array(rank).keys()];
  const out = all.map((a) => (a < 0 ? a + rank : a));
  for (const a of out)
    if (a < 0 || a >= rank) throw new ShapeError(`axis ${a} out of range for rank ${rank}`);
  return [...new Set(out)].sort((a, b) => a - b);
}

export const lift = (x: TensorLike): Tensor => (typeof x === 'number' ? constant(x) : x);

// ---- leaves -----------------------------------------------------------------------------------

export const input = (name: string, shape: Shape): Tensor => one(emit(Prim.Input, { name }, [], [shape]));
export const constant = (value: number): Tensor => one(emit(Prim.Constant, { value }, [], [[]]));
export const random = (shape: Shape, dist: RandomDist, stream: number): Tensor =>
  one(emit(Prim.Random, { dist, stream }, [], [shape]));
export const uniform = (shape: Shape, stream: number): Tensor => random(shape, 'uniform', stream);
export const normal = (shape: Shape, stream: number): Tensor => random(shape, 'normal', stream);
/** `batch` samples of a toy dataset, shape [batch, 2], drawn on the device. */
export const sampleData = (dataset: string, batch: number, stream: number): Tensor =>
  one(emit(Prim.SampleData, { dataset, stream }, [], [[batch, 2]]));
/**
 * The one-hot class labels [batch, classes] of the samples that `sampleData(dataset, batch, stream)`
 * draws (same counters, so row i is the class of point i) under a labelling of the dataset.
 */
export const sampleLabels = (dataset: string, labels: string, batch: number, stream: number): Tensor =>
  one(
    emit(Prim.SampleData, { dataset, stream, labels }, [], [[batch, labellingOf(dataset, labels).classes]]),
  );

// ---- elementwise ------------------------------------------------------------------------------

export const unary = (op: UnaryOp, x: Tensor): Tensor => one(emit(Prim.Unary, { op }, [x], [x.shape]));
export const neg = (x: Tensor) => unary('neg', x);
export const exp = (x: Tensor) => unary('exp', x);
export const log = (x: Tensor) => unary('log', x);
export const sqrt = (x: Tensor) => unary('sqrt', x);
export const square = (x: Tensor) => unary('square', x);
export const recip = (x: Tensor) => unary('recip', x);
export const sin = (x: Tensor) => unary('sin', x);
export const cos = (x: Tensor) => unary('cos', x);
export const abs = (x: Tensor) => unary('abs', x);

export const activation = (x: Tensor, act: Activation, order: 0 | 1 | 2 | 3 = 0): Tensor =>
  act === 'identity' && order === 0 ? x : one(emit(Prim.Activation, { act, order }, [x], [x.shape]));
export const sigmoid = (x: Tensor) => activation(x, 'sigmoid');

export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  const ta = lift(a);
  const tb = lift(b);
  return one(emit(Prim.Binary, { op }, [ta, tb], [broadcastShapes(ta.shape, tb.shape)]));
}
export const add = (a: TensorLike, b: TensorLike) => binary('add', a, b);
export const sub = (a: TensorLike, b: TensorLike) => binary('sub', a, b);
export const mul = (a: TensorLike, b: TensorLike) => binary('mul', a, b);
export const div = (a: TensorLike, b: TensorLike) => binary('div', a, b);
export const maximum = (a: TensorLike, b: TensorLike) => binary('max', a, b);
export const minimum = (a: TensorLike, b: TensorLike) => binary('min', a, b);
/** 1 where a > b, else 0. Has no derivative. */
export const greater = (a: TensorLike, b: TensorLike) => binary('greater', a, b);

/** where(cond > 0.5, a, b). */
export function select(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const ta = lift(a);
  const tb = lift(b);
  return one(emit(Prim.Select, {}, [cond, ta, tb], [broadcastShapes(cond.shape, ta.shape, tb.shape)]));
}

// ---- reductions and shape -----------------------------------------------------------------------

function reducedShape(shape: Shape, axes: number[], keepDims: boolean): Shape {
  return keepDims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
}

export function sum(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  if (ax.length === 0) return x;
  return one(emit(Prim.ReduceSum, { axes: ax, keepDims }, [x], [reducedShape(x.shape, ax, keepDims)]));
}

export function max(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  if (ax.length === 0) return x;
  return one(emit(Prim.ReduceMax, { axes: ax, keepDims }, [x], [reducedShape(x.shape, ax, keepDims)]));
}

export function mean(x: Tensor, axes?: number[], keepDims = false): Tensor {
  const ax = normAxes(axes, x.rank);
  const n = ax.reduce((p, a) => p * x.shape[a], 1);
  return mul(sum(x, ax, keepDims), 1 / n);
}

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const b = broadcastShapes(x.shape, shape);
  if (!sameShape(b, shape)) throw new ShapeError(`cannot broadcast [${x.shape}] to [${shape}]`);
  return one(emit(Prim.BroadcastTo, { shape }, [x], [shape]));
}

export function reshape(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const n = shape.reduce((p, d) => p * d, 1);
  if (n !== x.size) throw new ShapeError(`cannot reshape [${x.shape}] (${x.size}) to [${shape}] (${n})`);
  return one(emit(Prim.Reshape, { shape }, [x], [shape]));
}

/** Concatenate along `axis`; all other dimensions must agree. */
export function concat(xs: Tensor[], axis = -1): Tensor {
  if (xs.length === 1) return xs[0];
  const rank = xs[0].rank;
  const ax = axis < 0 ? axis + rank : axis;
  for (const x of xs) {
    if (x.rank !== rank || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new ShapeError(
        `concat: shapes ${xs.map((t) => `[${t.shape}]`).join(', ')} differ off axis ${ax}`,
      );
    }
  }
  const shape = xs[0].shape.map((d, i) => (i === ax ? xs.reduce((p, x) => p + x.shape[ax], 0) : d));
  return one(emit(Prim.Concat, { axis: ax }, xs, [shape]));
}

export function slice(x: Tensor, axis: number, start: number, size: number): Tensor {
  const ax = axis < 0 ? axis + x.rank : axis;
  if (start < 0 || size < 1 || start + size > x.shape[ax]) {
    throw new ShapeError(`slice [${start}, ${start + size}) out of range for axis ${ax} of [${x.shape}]`);
  }
  if (start === 0 && size === x.shape[ax]) return x;
  const shape = x.shape.map((d, i) => (i === ax ? size : d));
  return one(emit(Prim.Slice, { axis: ax, start, size }, [x], [shape]));
}

// ---- dense algebra -----------------------------------------------------------------------------

export function matmul(a: Tensor, b: Tensor, opts: { transA?: boolean; transB?: boolean } = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  if (a.rank !== 2 || b.rank !== 2)
    throw new ShapeError(`matmul needs 2-D operands, got [${a.shape}] and [${b.shape}]`);
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : [a.shape[0], a.shape[1]];
  const [k2, n] = transB ? [b.shape[1], b.shape[0]] : [b.shape[0], b.shape[1]];
  if (k !== k2)
    throw new ShapeError(`matmul: inner dimensions ${k} and ${k2} differ ([${a.shape}] . [${b.shape}])`);
  return one(emit(Prim.Matmul, { transA, transB }, [a, b], [[m, n]]));
}

function checkDense(x: Tensor, w: Tensor, b: Tensor): [number, number] {
  if (
    x.rank !== 2 ||
    w.rank !== 2 ||
    b.rank !== 1 ||
    w.shape[1] !== x.shape[1] ||
    b.shape[0] !== w.shape[0]
  ) {
    throw new ShapeError(
      `dense: x [${x.shape}], weight [${w.shape}] (out, in), bias [${b.shape}] do not fit`,
    );
  }
  return [x.shape[0], w.shape[0]];
}

/** act(x W^T + b) with W:[out, in] as torch.nn.Linear. */
export function dense(x: Tensor, w: Tensor, b: Tensor, act: Activation): Tensor {
  return one(emit(Prim.Dense, { act }, [x, w, b], [checkDense(x, w, b)]));
}

/** The fused primal and tangent of a dense layer: [act(x W^T + b), act'(x W^T + b) * (x' W^T)]. */
export function denseJvp(x: Tensor, xDot: Tensor, w: Tensor, b: Tensor, act: Activation): [Tensor, Tensor] {
  const shape = checkDense(x, w, b);
  if (!sameShape(x.shape, xDot.shape))
    throw new ShapeError(`denseJvp: tangent [${xDot.shape}] != primal [${x.shape}]`);
  const [y, yDot] = emit(Prim.DenseJvp, { act }, [x, xDot, w, b], [shape, shape]);
  return [y, yDot];
}

export const stopGradient = (x: Tensor): Tensor => one(emit(Prim.StopGradient, {}, [x], [x.shape]));

/**
 * AdamW over a list of parameter tensors: returns the new parameters and moments. `step` is the
 * 1-based step count, shape [1]. The GPU lowering keeps all of them in flat buffers and updates
 * every parameter in one dispatch.
 */
export function adam(
  ps: Tensor[],
  gs: Tensor[],
  ms: Tensor[],
  vs: Tensor[],
  step: Tensor,
  params: AdamParams,
): { p: Tensor[]; m: Tensor[]; v: Tensor[] } {
  const n = ps.length;
  if (gs.length !== n || ms.length !== n || vs.length !== n)
    throw new ShapeError('adam: lists differ in length');
  ps.forEach((p, i) => {
    for (const t of [gs[i], ms[i], vs[i]]) {
      if (!sameShape(t.shape, p.shape)) throw new ShapeError(`adam: [${t.shape}] != parameter [${p.shape}]`);
    }
  });
  const shapes = ps.map((p) => p.shape);
  const out = emit(Prim.Adam, params, [...ps, ...gs, ...ms, ...vs, step], [...shapes, ...shapes, ...shapes]);
  return { p: out.slice(0, n), m: out.slice(n, 2 * n), v: out.slice(2 * n) };
}
