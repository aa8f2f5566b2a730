/** Float64 reference of shaders/unary.wgsl and shaders/binary.wgsl. */
import { activationCpu } from '../activations.ts';
import { broadcastShapes, broadcastStrides, pad4, sizeOf, type Shape } from '../broadcast.ts';
import type { EngineBinaryOp, EngineUnaryOp, UnaryFn } from '../kernels/elementwise.ts';

/** The scalar functions of the elementwise kernels (the CPU executor of the graph uses them too). */
export const UNARY_FN: Record<EngineUnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  recip: (x) => 1 / x,
  sin: Math.sin,
  cos: Math.cos,
  abs: Math.abs,
};

export function unaryCpu({
  x,
  y,
  n,
  fn,
}: {
  x: Float64Array;
  y: Float64Array;
  n: number;
  fn: UnaryFn;
}): void {
  const f = 'op' in fn ? UNARY_FN[fn.op] : (v: number) => activationCpu(v, fn.act, fn.order);
  for (let i = 0; i < n; i++) y[i] = f(x[i]);
}

export const BINARY_FN: Record<Exclude<EngineBinaryOp, 'select'>, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  max: Math.max,
  min: Math.min,
  greater: (a, b) => (a > b ? 1 : 0),
};

export interface BinaryCpuArgs {
  op: EngineBinaryOp;
  a: Float64Array;
  aShape: Shape;
  b: Float64Array;
  bShape: Shape;
  cond?: Float64Array;
  condShape?: Shape;
  out: Float64Array;
}

export function binaryCpu(args: BinaryCpuArgs): void {
  const condShape = args.op === 'select' ? args.condShape! : [1];
  const outShape = broadcastShapes(args.aShape, args.bShape, condShape);
  const [, d1, d2, d3] = pad4(outShape);
  const sa = broadcastStrides(args.aShape, outShape);
  const sb = broadcastStrides(args.bShape, outShape);
  const sc = broadcastStrides(condShape, outShape);
  const at = (s: number[], i: number) => {
    const idx = [
      Math.floor(i / (d1 * d2 * d3)),
      Math.floor(i / (d2 * d3)) % d1,
      Math.floor(i / d3) % d2,
      i % d3,
    ];
    return idx[0] * s[0] + idx[1] * s[1] + idx[2] * s[2] + idx[3] * s[3];
  };
  for (let i = 0; i < sizeOf(outShape); i++) {
    const x = args.a[at(sa, i)];
    const y = args.b[at(sb, i)];
    args.out[i] = args.op === 'select' ? (args.cond![at(sc, i)] > 0.5 ? x : y) : BINARY_FN[args.op](x, y);
  }
}
