/** One or more finite-difference cases per primitive, with broadcasting and awkward shapes. */
import * as op from '../../src/autodiff/ops.ts';
import type { Activation, BinaryOp, UnaryOp } from '../../src/autodiff/prims.ts';
import type { FdCase } from './fd.ts';

const ACTS: Activation[] = ['identity', 'silu', 'gelu', 'tanh', 'relu', 'sigmoid'];
const UNARY: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'square', 'recip', 'sin', 'cos', 'abs'];
const POSITIVE = new Set<UnaryOp>(['log', 'sqrt', 'recip']);
const BINARY: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'greater'];

export const cases: FdCase[] = [
  ...UNARY.map((u) => ({
    name: `unary ${u}`,
    inputs: [{ shape: [3, 4], positive: POSITIVE.has(u) }],
    build: (x: op.TensorLike & object) => op.unary(u, x),
  })),
  ...ACTS.flatMap((a) =>
    ([0, 1, 2] as const).map((k) => ({
      name: `activation ${a} order ${k}`,
      inputs: [{ shape: [5, 3] }],
      build: (x: Parameters<typeof op.activation>[0]) => op.activation(x, a, k),
    })),
  ),
  ...BINARY.flatMap((b) => [
    { name: `binary ${b} same shape`, inputs: [{ shape: [2, 3] }, { shape: [2, 3], positive: true }] },
    {
      name: `binary ${b} broadcast [3,1,4] [2,4]`,
      inputs: [{ shape: [3, 1, 4] }, { shape: [2, 4], positive: true }],
    },
    { name: `binary ${b} broadcast [2,3] []`, inputs: [{ shape: [2, 3] }, { shape: [], positive: true }] },
  ]).map((c, i) => ({ ...c, build: (a, b) => op.binary(BINARY[Math.floor(i / 3)], a, b) }) as FdCase),
  {
    name: 'binary with a constant operand',
    inputs: [{ shape: [4, 2] }],
    build: (x) => op.add(op.mul(op.sub(1, x), 3), op.div(x, 2)),
  },
  {
    name: 'select broadcast',
    inputs: [{ shape: [2, 3] }, { shape: [2, 3] }, { shape: [3] }],
    build: (c, a, b) => op.select(op.greater(c, 0), a, b),
  },
  { name: 'reduceSum axis 1', inputs: [{ shape: [3, 4, 2] }], build: (x) => op.sum(x, [1]) },
  { name: 'reduceSum keepDims', inputs: [{ shape: [3, 4, 2] }], build: (x) => op.sum(x, [0, 2], true) },
  { name: 'reduceSum all', inputs: [{ shape: [3, 5] }], build: (x) => op.sum(x) },
  { name: 'mean', inputs: [{ shape: [3, 5] }], build: (x) => op.mean(x, [0]) },
  { name: 'reduceMax axis 0', inputs: [{ shape: [4, 3] }], build: (x) => op.max(x, [0]) },
  { name: 'reduceMax keepDims', inputs: [{ shape: [2, 5, 3] }], build: (x) => op.max(x, [1], true) },
  { name: 'broadcastTo [3] -> [2,3]', inputs: [{ shape: [3] }], build: (x) => op.broadcastTo(x, [2, 3]) },
  {
    name: 'broadcastTo [2,1] -> [4,2,3]',
    inputs: [{ shape: [2, 1] }],
    build: (x) => op.broadcastTo(x, [4, 2, 3]),
  },
  { name: 'reshape', inputs: [{ shape: [2, 6] }], build: (x) => op.reshape(x, [3, 2, 2]) },
  {
    name: 'concat axis 1',
    inputs: [{ shape: [3, 2] }, { shape: [3, 1] }, { shape: [3, 3] }],
    build: (a, b, c) => op.concat([a, b, c], 1),
  },
  {
    name: 'concat axis 0',
    inputs: [{ shape: [1, 2] }, { shape: [3, 2] }],
    build: (a, b) => op.concat([a, b], 0),
  },
  { name: 'slice middle', inputs: [{ shape: [4, 5] }], build: (x) => op.slice(x, 1, 1, 3) },
  { name: 'slice head', inputs: [{ shape: [4, 5] }], build: (x) => op.slice(x, 0, 0, 2) },
  { name: 'slice tail', inputs: [{ shape: [4, 5] }], build: (x) => op.slice(x, 0, 3, 1) },
  ...[false, true].flatMap((ta) =>
    [false, true].map((tb) => ({
      name: `matmul transA=${ta} transB=${tb}`,
      inputs: [{ shape: ta ? [4, 3] : [3, 4] }, { shape: tb ? [2, 4] : [4, 2] }],
      build: (a: Parameters<typeof op.matmul>[0], b: Parameters<typeof op.matmul>[0]) =>
        op.matmul(a, b, { transA: ta, transB: tb }),
    })),
  ),
  ...ACTS.map((a) => ({
    name: `dense ${a}`,
    inputs: [{ shape: [5, 3] }, { shape: [4, 3] }, { shape: [4] }],
    build: (
      x: Parameters<typeof op.dense>[0],
      w: Parameters<typeof op.dense>[0],
      b: Parameters<typeof op.dense>[0],
    ) => op.dense(x, w, b, a),
  })),
  ...ACTS.map((a) => ({
    name: `denseJvp ${a}`,
    inputs: [{ shape: [5, 3] }, { shape: [5, 3] }, { shape: [2, 3] }, { shape: [2] }],
    build: (
      x: Parameters<typeof op.dense>[0],
      xd: Parameters<typeof op.dense>[0],
      w: Parameters<typeof op.dense>[0],
      b: Parameters<typeof op.dense>[0],
    ) => op.denseJvp(x, xd, w, b, a),
  })),
  {
    name: 'stopGradient',
    inputs: [{ shape: [3] }, { shape: [3] }],
    build: (x, y) => op.add(op.stopGradient(op.mul(x, 0)), op.mul(y, op.stopGradient(op.constant(2)))),
  },
  {
    name: 'random and constant leaves',
    inputs: [{ shape: [4, 2] }],
    build: (x) => op.add(op.mul(x, op.normal([4, 2], 1)), op.mul(op.uniform([2], 2), op.constant(3))),
  },
];
