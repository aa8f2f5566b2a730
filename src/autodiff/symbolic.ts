/**
 * Helpers shared by the jvp and vjp rules: symbolic zeros (null), sums that drop them, and the
 * reverse of numpy broadcasting.
 */
import { emit, sameShape, type Node, type Tensor } from './graph.ts';
import { add, broadcastTo, constant, neg, reshape, sum } from './ops.ts';
import { Prim, type PrimParams, type Shape } from './prims.ts';

/** A zero tensor of `shape`: one scalar constant broadcast (no buffer of zeros is computed). */
export const zeros = (shape: Shape): Tensor => broadcastTo(constant(0), shape);

/** a + b where null is a symbolic zero; null + null stays null. */
export function addOpt(a: Tensor | null, b: Tensor | null): Tensor | null {
  if (a === null) return b;
  if (b === null) return a;
  return add(a, b);
}

/** The value of a tensor that is a scalar constant, possibly broadcast; null otherwise. */
export function constantValue(t: Tensor): number | null {
  let n = t.node;
  if (n.prim === Prim.BroadcastTo) n = n.inputs[0].node;
  return n.prim === Prim.Constant ? (n.params as PrimParams[Prim.Constant]).value : null;
}

/** -a with symbolic zeros; the negation of a broadcast constant is folded (no elementwise node). */
export function negOpt(a: Tensor | null): Tensor | null {
  if (a === null) return null;
  const c = constantValue(a);
  return c === null ? neg(a) : broadcastTo(constant(-c), a.shape);
}

/** Materialise a tangent of a broadcasting op at the output shape (it may come from a smaller operand). */
export function toShape(t: Tensor, shape: Shape): Tensor {
  return sameShape(t.shape, shape) ? t : broadcastTo(t, shape);
}

/** Sum `g` (of a broadcast shape) back down to `shape`: the adjoint of numpy broadcasting. */
export function unbroadcast(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes), shape);
}

/** The shape of a reduction's output with the reduced axes kept as 1. */
export function keptShape(shape: Shape, axes: readonly number[]): Shape {
  return shape.map((d, i) => (axes.includes(i) ? 1 : d));
}

/** Re-creates `node` on new inputs (same primitive, parameters and output shapes); itself if unchanged. */
export function reemit(node: Node, inputs: readonly Tensor[]): Tensor[] {
  if (node.inputs.every((t, i) => t === inputs[i])) return node.outputs;
  return emit(
    node.prim,
    node.params,
    inputs,
    node.outputs.map((o) => o.shape),
  );
}
