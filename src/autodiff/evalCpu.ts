/**
 * The float64 executor of any graph: the oracle for every GPU test and the fallback where WebGPU is
 * missing. Arrays are row-major and contiguous. Random numbers and dataset samples come from the same
 * Philox counters as on the GPU: element i of a `random` node of stream k at step ctx.step is
 * uniformAt/normalAt(ctx.seed, k, ctx.step, i).
 */
import { activationCpu } from '../engine/activations.ts';
import { normalAt, uniformAt } from '../engine/cpu/philox.ts';
import { oneHot, sampleDataCpu, sampleLabelsCpu } from '../engine/cpu/sampleData.ts';
import { BINARY_FN, UNARY_FN } from '../engine/cpu/elementwise.ts';
import { sizeOf, topoSort, type Node, type Tensor } from './graph.ts';
import { MissingFeedError } from './errors.ts';
import { adamCpu } from './cpu/adam.ts';
import { concatArrays, mapN, matmulArrays, reduce, sliceArray } from './cpu/kernels.ts';
import { Prim, type Activation, type BinaryOp, type Shape, type UnaryOp } from './prims.ts';

export interface CpuContext {
  seed: number;
  step: number;
}

type CpuRule<P extends Prim> = (
  node: Node<P>,
  xs: Float64Array[],
  ctx: CpuContext,
  feeds: Record<string, Float64Array>,
) => Float64Array[];

// The graph's unary and binary ops are the engine's elementwise kernels; their float64 definitions serve both.
const unaryCpu: { [op in UnaryOp]: (x: number) => number } = UNARY_FN;
const binaryCpu: { [op in BinaryOp]: (a: number, b: number) => number } = BINARY_FN;

const shapes = (node: Node) => node.inputs.map((t) => t.shape);
const out0 = (node: Node) => node.outputs[0].shape;

/** x W^T + b, W:[out, in]. */
function preActivation(
  x: Float64Array,
  w: Float64Array,
  b: Float64Array,
  xs: Shape,
  ws: Shape,
): Float64Array {
  const pre = matmulArrays(x, xs, w, ws, false, true);
  const n = ws[0];
  for (let i = 0; i < pre.length; i++) pre[i] += b[i % n];
  return pre;
}

const act = (pre: Float64Array, a: Activation, order: 0 | 1 | 2 | 3) =>
  pre.map((v) => activationCpu(v, a, order));

const cpuRules: { [P in Prim]: CpuRule<P> } = {
  [Prim.Input]: (node, _xs, _ctx, feeds) => {
    const { name } = node.params;
    const n = sizeOf(out0(node));
    const v = feeds[name];
    if (!v) throw new MissingFeedError(name, n);
    if (v.length !== n) throw new MissingFeedError(name, n, v.length);
    return [v];
  },
  [Prim.Constant]: (node) => [Float64Array.of(node.params.value)],
  [Prim.Random]: (node, _xs, ctx) => {
    const { dist, stream } = node.params;
    const at = dist === 'uniform' ? uniformAt : normalAt;
    const y = new Float64Array(sizeOf(out0(node)));
    for (let i = 0; i < y.length; i++) y[i] = at(ctx.seed, stream, ctx.step, i);
    return [y];
  },
  [Prim.SampleData]: (node, _xs, ctx) => {
    const { dataset, stream, labels } = node.params;
    const [n, k] = out0(node);
    if (labels === undefined) return [sampleDataCpu(dataset, n, ctx.seed, stream, ctx.step)];
    return [oneHot(sampleLabelsCpu(dataset, labels, n, ctx.seed, stream, ctx.step), k)];
  },
  [Prim.Unary]: (node, [x]) => [x.map(unaryCpu[node.params.op])],
  [Prim.Activation]: (node, [x]) => [act(x, node.params.act, node.params.order)],
  [Prim.Binary]: (node, xs) => [mapN(xs, shapes(node), out0(node), binaryCpu[node.params.op])],
  [Prim.Select]: (node, xs) => [mapN(xs, shapes(node), out0(node), (c, a, b) => (c > 0.5 ? a : b))],
  [Prim.ReduceSum]: (node, [x]) => [reduce(x, shapes(node)[0], node.params.axes, 0, (a, v) => a + v)],
  [Prim.ReduceMax]: (node, [x]) => [reduce(x, shapes(node)[0], node.params.axes, -Infinity, Math.max)],
  [Prim.BroadcastTo]: (node, xs) => [mapN(xs, shapes(node), out0(node), (v) => v)],
  [Prim.Reshape]: (_node, [x]) => [x],
  [Prim.Concat]: (node, xs) => [concatArrays(xs, shapes(node), node.params.axis, out0(node))],
  [Prim.Slice]: (node, [x]) => [
    sliceArray(x, shapes(node)[0], node.params.axis, node.params.start, node.params.size),
  ],
  [Prim.Matmul]: (node, [a, b]) => {
    const [as, bs] = shapes(node);
    return [matmulArrays(a, as, b, bs, node.params.transA, node.params.transB)];
  },
  [Prim.Dense]: (node, [x, w, b]) => [
    act(preActivation(x, w, b, ...(shapes(node) as [Shape, Shape])), node.params.act, 0),
  ],
  [Prim.DenseJvp]: (node, [x, xd, w, b]) => {
    const [xs, , ws] = shapes(node);
    const pre = preActivation(x, w, b, xs, ws);
    const q = matmulArrays(xd, xs, w, ws, false, true);
    const d1 = act(pre, node.params.act, 1);
    return [act(pre, node.params.act, 0), q.map((v, i) => v * d1[i])];
  },
  [Prim.StopGradient]: (_node, [x]) => [x],
  [Prim.Adam]: (node, xs) => {
    const n = (xs.length - 1) / 4;
    const r = adamCpu(
      xs.slice(0, n),
      xs.slice(n, 2 * n),
      xs.slice(2 * n, 3 * n),
      xs.slice(3 * n, 4 * n),
      xs[4 * n][0],
      node.params,
    );
    return [...r.p, ...r.m, ...r.v];
  },
};

/**
 * Evaluate `outputs` in float64. `feeds` maps every `input` name to a row-major array of its size;
 * `ctx` gives the seed and step counter of `random` and `sampleData` nodes. Fed arrays are never
 * modified; a returned array may be a fed array itself (an output that is an input).
 */
export function evalCpu(
  outputs: Tensor[],
  feeds: Record<string, Float64Array>,
  ctx: CpuContext,
): Float64Array<ArrayBuffer>[] {
  const values = new Map<Tensor, Float64Array>();
  for (const node of topoSort(outputs)) {
    const xs = node.inputs.map((t) => values.get(t)!);
    const ys = (cpuRules[node.prim] as CpuRule<Prim>)(node, xs, ctx, feeds);
    node.outputs.forEach((o, i) => values.set(o, ys[i]));
  }
  return outputs.map((o) => ownBuffer(values.get(o)!));
}

/** The array itself when it views an ArrayBuffer (all computed arrays), else a copy (a fed shared buffer). */
const ownBuffer = (v: Float64Array): Float64Array<ArrayBuffer> =>
  v.buffer instanceof ArrayBuffer ? (v as Float64Array<ArrayBuffer>) : new Float64Array(v);

export { cpuRules };
