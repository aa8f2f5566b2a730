/** Float64 reference of shaders/reduce.wgsl and shaders/weightedMean.wgsl. */
import type { Shape } from '../broadcast.ts';
import type { ReduceOp } from '../kernels/reduce.ts';

export interface ReduceCpuArgs {
  x: Float64Array;
  shape: Shape;
  axes: readonly number[];
  op: ReduceOp;
  square?: boolean;
  out: Float64Array;
}

export function reduceCpu({ x, shape, axes, op, square, out }: ReduceCpuArgs): void {
  const rank = shape.length;
  const reduced = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const keptDims = shape.filter((_, d) => !reduced.has(d));
  const nOut = keptDims.reduce((a, b) => a * b, 1);
  out.fill(op === 'max' ? -Infinity : 0, 0, nOut);
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < x.length; i++) {
    let rem = i;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem = Math.floor(rem / shape[d]);
    }
    let o = 0;
    for (let d = 0; d < rank; d++) if (!reduced.has(d)) o = o * shape[d] + idx[d];
    const v = square ? x[i] * x[i] : x[i];
    out[o] = op === 'max' ? Math.max(out[o], v) : out[o] + v;
  }
}

export function weightedMeanCpu({
  x,
  w,
  n,
  out,
}: {
  x: Float64Array;
  w: Float64Array;
  n: number;
  out: Float64Array;
}): void {
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += w[i] * x[i];
    den += w[i];
  }
  out[0] = num / den;
}
