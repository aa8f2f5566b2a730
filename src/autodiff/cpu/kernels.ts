/** Float64 reference kernels on row-major arrays: broadcasting, reductions, shape ops, matmul. */
import { sizeOf } from '../graph.ts';
import type { Shape } from '../prims.ts';

/** Strides of `shape` read as if broadcast to `out` (0 on stretched and missing dimensions). */
export function broadcastStrides(shape: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + out.length - shape.length;
    strides[o] = shape[i] === 1 && out[o] !== 1 ? 0 : s;
    s *= shape[i];
  }
  return strides;
}

/** For each flat output index, the flat index into each input (numpy broadcasting). */
export function broadcastIndex(shapes: Shape[], out: Shape): Int32Array[] {
  const n = sizeOf(out);
  const strides = shapes.map((s) => broadcastStrides(s, out));
  const idx = shapes.map(() => new Int32Array(n));
  const pos = new Array<number>(out.length).fill(0);
  const cur = shapes.map(() => 0);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < shapes.length; j++) idx[j][k] = cur[j];
    for (let d = out.length - 1; d >= 0; d--) {
      pos[d]++;
      for (let j = 0; j < shapes.length; j++) cur[j] += strides[j][d];
      if (pos[d] < out[d]) break;
      for (let j = 0; j < shapes.length; j++) cur[j] -= strides[j][d] * out[d];
      pos[d] = 0;
    }
  }
  return idx;
}

export function mapN(
  xs: Float64Array[],
  shapes: Shape[],
  out: Shape,
  f: (...v: number[]) => number,
): Float64Array {
  const n = sizeOf(out);
  if (xs.length === 2 && xs[0].length === n && xs[1].length === n) return xs[0].map((v, k) => f(v, xs[1][k]));
  if (xs.length === 1 && xs[0].length === n) return xs[0].map((v) => f(v));
  const idx = broadcastIndex(shapes, out);
  const y = new Float64Array(n);
  const args = new Array<number>(xs.length);
  for (let k = 0; k < y.length; k++) {
    for (let j = 0; j < xs.length; j++) args[j] = xs[j][idx[j][k]];
    y[k] = f(...args);
  }
  return y;
}

/** Reduce over `axes` with (acc, v) -> acc from `init`; output is row-major over the kept axes. */
export function reduce(
  x: Float64Array,
  shape: Shape,
  axes: number[],
  init: number,
  f: (a: number, v: number) => number,
) {
  const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const y = new Float64Array(sizeOf(kept)).fill(init);
  const idx = broadcastIndex([kept], shape)[0];
  for (let k = 0; k < x.length; k++) y[idx[k]] = f(y[idx[k]], x[k]);
  return y;
}

/** [outer, mid, inner] sizes around `axis`. */
function split(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

export function concatArrays(xs: Float64Array[], shapes: Shape[], axis: number, out: Shape): Float64Array {
  const y = new Float64Array(sizeOf(out));
  const [outer, total, inner] = split(out, axis);
  let offset = 0;
  xs.forEach((x, j) => {
    const m = shapes[j][axis];
    for (let o = 0; o < outer; o++) {
      y.set(x.subarray(o * m * inner, (o + 1) * m * inner), (o * total + offset) * inner);
    }
    offset += m;
  });
  return y;
}

export function sliceArray(
  x: Float64Array,
  shape: Shape,
  axis: number,
  start: number,
  size: number,
): Float64Array {
  const [outer, m, inner] = split(shape, axis);
  const y = new Float64Array(outer * size * inner);
  for (let o = 0; o < outer; o++) {
    y.set(x.subarray((o * m + start) * inner, (o * m + start + size) * inner), o * size * inner);
  }
  return y;
}

/** opA(A) . opB(B) with A, B 2-D row-major. */
export function matmulArrays(
  a: Float64Array,
  as: Shape,
  b: Float64Array,
  bs: Shape,
  transA: boolean,
  transB: boolean,
) {
  const [m, k] = transA ? [as[1], as[0]] : [as[0], as[1]];
  const n = transB ? bs[0] : bs[1];
  // element (i, p) of opA(A) is a[i * ai + p * ap]; (p, j) of opB(B) is b[p * bp + j * bj]
  const [ai, ap] = transA ? [1, as[1]] : [as[1], 1];
  const [bp, bj] = transB ? [1, bs[1]] : [bs[1], 1];
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, ia = i * ai, ib = j * bj; p < k; p++, ia += ap, ib += bp) s += a[ia] * b[ib];
      c[i * n + j] = s;
    }
  }
  return c;
}
