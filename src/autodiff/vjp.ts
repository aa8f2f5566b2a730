/**
 * Reverse mode as a graph-to-graph transformation: a walk over ANY graph (including DenseJvp and
 * activation-derivative nodes, so the gradient of a JVP needs nothing extra) from the outputs back
 * to `wrt`, one rule per primitive (vjpRules.ts). Cotangents are symbolic: null is zero, and only
 * nodes on a path from `wrt` to the outputs get rules applied.
 */
import { sameShape, ShapeError, topoSort, type Tensor } from './graph.ts';
import { constant } from './ops.ts';
import { Prim } from './prims.ts';
import { addOpt, zeros } from './symbolic.ts';
import { vjpRules, type VjpRule } from './vjpRules.ts';

export type { VjpRule };

/**
 * Cotangents of `wrt` given cotangents of `outputs` (sum over outputs of cotangent . d output / d wrt).
 * A `wrt` tensor with no path to the outputs gets zeros (a broadcast constant).
 */
export function vjp(outputs: Tensor[], cotangents: Tensor[], wrt: Tensor[]): Tensor[] {
  if (outputs.length !== cotangents.length) {
    throw new ShapeError(
      `vjp: ${outputs.length} outputs but ${cotangents.length} cotangents; give one per output`,
    );
  }
  const nodes = topoSort(outputs);
  // Tensors that depend on a wrt tensor through differentiable edges.
  const live = new Set<Tensor>(wrt);
  for (const n of nodes) {
    if (n.prim === Prim.StopGradient) continue;
    if (n.inputs.some((t) => live.has(t))) for (const o of n.outputs) live.add(o);
  }
  const ct = new Map<Tensor, Tensor | null>();
  outputs.forEach((o, i) => {
    const c = cotangents[i];
    if (!sameShape(c.shape, o.shape)) {
      throw new ShapeError(`vjp: cotangent ${i} has shape [${c.shape}] but output has [${o.shape}]`);
    }
    ct.set(o, addOpt(ct.get(o) ?? null, c));
  });
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k];
    if (!node.inputs.some((t) => live.has(t))) continue;
    const outCts = node.outputs.map((o) => ct.get(o) ?? null);
    if (outCts.every((c) => c === null)) continue;
    const needs = node.inputs.map((t) => live.has(t));
    const inCts = (vjpRules[node.prim] as VjpRule<Prim>)(node, outCts, needs);
    node.inputs.forEach((t, i) => {
      const c = needs[i] ? inCts[i] : null;
      if (c !== null) ct.set(t, addOpt(ct.get(t) ?? null, c));
    });
  }
  return wrt.map((w) => ct.get(w) ?? zeros(w.shape));
}

export class NotScalarError extends ShapeError {
  override name = 'NotScalarError';
}

/** d loss / d wrt for a scalar loss (shape []). */
export function grad(loss: Tensor, wrt: Tensor[]): Tensor[] {
  if (loss.rank !== 0) {
    throw new NotScalarError(
      `grad needs a scalar loss (shape []), got [${loss.shape}]: reduce it with sum() or mean()`,
    );
  }
  return vjp([loss], [constant(1)], wrt);
}

/** The loss and its gradient, both graph tensors. */
export function valueAndGrad(loss: Tensor, wrt: Tensor[]): { value: Tensor; grads: Tensor[] } {
  return { value: loss, grads: grad(loss, wrt) };
}

/** Functional form: gradFn(f)(...args) is the gradient of the scalar f(...args) w.r.t. every argument. */
export const gradFn =
  (f: (...xs: Tensor[]) => Tensor) =>
  (...args: Tensor[]): Tensor[] =>
    grad(f(...args), args);
