/** Elementwise kernels: unary functions and activations (shaders/unary.wgsl), broadcasting binary ops (shaders/binary.wgsl). */
import unaryCode from '../../../shaders/unary.wgsl?raw';
import binaryCode from '../../../shaders/binary.wgsl?raw';
import { ACTIVATION_IDS, type ActivationOrder, type EngineActivation } from '../activations.ts';
import { broadcastShapes, broadcastStrides, pad4, sizeOf, type Shape } from '../broadcast.ts';
import type { Constants, Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, grid, need } from './common.ts';

export const UNARY = { name: 'unary', code: unaryCode };
export const BINARY = { name: 'binary', code: binaryCode };

export type EngineUnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'square' | 'recip' | 'sin' | 'cos' | 'abs';
export type EngineBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'greater' | 'select';

export const UNARY_IDS: Readonly<Record<EngineUnaryOp, number>> = {
  neg: 0,
  exp: 1,
  log: 2,
  sqrt: 3,
  square: 4,
  recip: 5,
  sin: 6,
  cos: 7,
  abs: 8,
};
export const BINARY_IDS: Readonly<Record<EngineBinaryOp, number>> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  max: 4,
  min: 5,
  greater: 6,
  select: 7,
};

/** An elementwise function: a unary op, or an activation's derivative of some order. */
export type UnaryFn = { op: EngineUnaryOp } | { act: EngineActivation; order: ActivationOrder };

export interface UnaryArgs {
  x: View;
  y: View;
  n: number;
  fn: UnaryFn;
}

export function unaryDispatch(rt: Runtime, args: UnaryArgs): Dispatch {
  const { fn, n } = args;
  const constants: Constants =
    'op' in fn ? { OP: UNARY_IDS[fn.op] } : { OP: 9, ACT: ACTIVATION_IDS[fn.act], ORDER: fn.order };
  const pipeline = rt.pipeline(UNARY, 2, true, constants);
  const uniform = rt.uniform(new Uint32Array([n, 0, 0, 0]));
  const label = `unary ${'op' in fn ? fn.op : `${fn.act}^(${fn.order})`} n=${n}`;
  const views = [need('unary', 'x', args.x, n), need('unary', 'y', args.y, n)];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: grid(ceilDiv(n, 256)),
    uniform,
  };
}

export interface BinaryArgs {
  op: EngineBinaryOp;
  a: View;
  aShape: Shape;
  b: View;
  bShape: Shape;
  /** select only: out = cond > 0.5 ? a : b. */
  cond?: View;
  condShape?: Shape;
  out: View;
}

export function binaryDispatch(rt: Runtime, args: BinaryArgs): Dispatch {
  const { op } = args;
  const isSelect = op === 'select';
  if (isSelect && (!args.cond || !args.condShape))
    throw new Error('binary select needs cond and condShape: pass the condition tensor');
  const condShape = isSelect ? args.condShape! : [1];
  const outShape = broadcastShapes(args.aShape, args.bShape, condShape);
  const n = sizeOf(outShape);
  const words = new Uint32Array(20);
  words.set(pad4(outShape), 0);
  words.set(broadcastStrides(args.aShape, outShape), 4);
  words.set(broadcastStrides(args.bShape, outShape), 8);
  words.set(broadcastStrides(condShape, outShape), 12);
  words[16] = n;
  const pipeline = rt.pipeline(BINARY, 4, true, { OP: BINARY_IDS[op] });
  const uniform = rt.uniform(words);
  const label = `binary ${op} [${outShape.join(', ')}]`;
  const views = [
    need('binary', 'a', args.a, sizeOf(args.aShape)),
    need('binary', 'b', args.b, sizeOf(args.bShape)),
    isSelect ? need('binary', 'cond', args.cond!, sizeOf(condShape)) : rt.placeholder(0),
    need('binary', 'out', args.out, n),
  ];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: grid(ceilDiv(n, 256)),
    uniform,
  };
}
