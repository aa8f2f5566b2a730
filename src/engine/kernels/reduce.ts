/** Reductions (shaders/reduce.wgsl): sum / max over axes, squared norms; weighted mean (shaders/weightedMean.wgsl). */
import reduceCode from '../../../shaders/reduce.wgsl?raw';
import weightedMeanCode from '../../../shaders/weightedMean.wgsl?raw';
import { pad4, sizeOf, type Shape } from '../broadcast.ts';
import { ViewError } from '../errors.ts';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';

export const REDUCE = { name: 'reduce', code: reduceCode };
export const WEIGHTED_MEAN = { name: 'weightedMean', code: weightedMeanCode };

export type ReduceOp = 'sum' | 'max';

export interface ReduceArgs {
  x: View;
  shape: Shape;
  /** The axes reduced (any subset; all of them for a total). Output: the kept axes, in order. */
  axes: readonly number[];
  op: ReduceOp;
  /** Sum of squares (op 'sum'): per-row squared norms, the global gradient norm. */
  square?: boolean;
  out: View;
}

/** Row-major strides of `shape`. */
const stridesOf = (shape: Shape) => shape.map((_, d) => sizeOf(shape.slice(d + 1)));

/** Splits `shape` into kept and reduced axes with their strides in the input (rank-4 padded, leading 1s). */
export function reduceLayout(shape: Shape, axes: readonly number[]) {
  const rank = shape.length;
  const reduced = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  for (const a of reduced)
    if (a < 0 || a >= rank) throw new ViewError(`reduce: axis ${a} is outside a rank-${rank} tensor`);
  const strides = stridesOf(shape);
  const kept = shape.map((_, d) => d).filter((d) => !reduced.has(d));
  const red = [...reduced].sort((a, b) => a - b);
  const pack = (dims: number[]) => {
    const s = pad4(dims.map((d) => shape[d]));
    const st = [0, 0, 0, 0, ...dims.map((d) => strides[d])].slice(-4);
    return { shape: s, strides: st, count: sizeOf(dims.map((d) => shape[d])) };
  };
  return { out: pack(kept), red: pack(red) };
}

export function reduceDispatch(rt: Runtime, args: ReduceArgs): Dispatch {
  const { out, red } = reduceLayout(args.shape, args.axes);
  need('reduce', 'x', args.x, sizeOf(args.shape));
  need('reduce', 'out', args.out, out.count);
  const wgPerOutput = red.count >= 64;
  const wg = wgPerOutput ? (red.count >= 1024 ? 256 : 64) : 64;
  const pipeline = rt.pipeline(REDUCE, 2, true, {
    OP: args.op === 'max' ? 1 : 0,
    SQUARE: Boolean(args.square),
    WG_PER_OUTPUT: wgPerOutput,
    WG: wg,
  });
  const words = new Uint32Array(20);
  words.set(out.shape, 0);
  words.set(out.strides, 4);
  words.set(red.shape, 8);
  words.set(red.strides, 12);
  words[16] = out.count;
  words[17] = red.count;
  const uniform = rt.uniform(words);
  const label = `reduce ${args.square ? 'sumsq' : args.op} [${args.shape.join(', ')}] axes [${args.axes.join(', ')}]`;
  const workgroups = wgPerOutput ? grid(out.count) : grid(ceilDiv(out.count, wg));
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, [args.x, args.out], uniform),
    workgroups,
    uniform,
  };
}

export interface WeightedMeanArgs {
  x: View;
  w: View;
  n: number;
  /** [1] */
  out: View;
}

export function weightedMeanDispatch(rt: Runtime, args: WeightedMeanArgs): Dispatch {
  const pipeline = rt.pipeline(WEIGHTED_MEAN, 3, true, { WG: 256 });
  const uniform = rt.uniform(new Uint32Array([args.n, 0, 0, 0]));
  const label = `weightedMean n=${args.n}`;
  const views = [
    need('weightedMean', 'x', args.x, args.n),
    need('weightedMean', 'w', args.w, args.n),
    need('weightedMean', 'out', args.out, 1),
  ];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: [1, 1, 1],
    uniform,
  };
}
