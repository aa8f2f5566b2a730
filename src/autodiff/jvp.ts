/**
 * Forward mode as a graph-to-graph transformation. `jvp(f, primals, tangents)` calls `f` to build
 * the graph, then re-emits the part of it between the primals and the outputs in topological order,
 * one rule per primitive (jvpRules.ts). A rule returns new primal AND tangent tensors, so a dense
 * layer with a tangent becomes one fused DenseJvp node. Tangents are symbolic: null is zero, and a
 * node whose inputs all have zero tangent is re-used (or, if an input's primal was re-emitted,
 * re-emitted as it was) without any tangent work.
 */
import { sameShape, ShapeError, topoSort, type Node, type Tensor } from './graph.ts';
import { TangentShapeError } from './errors.ts';
import { jvpRules, type JvpRule } from './jvpRules.ts';
import { addOpt, reemit } from './symbolic.ts';
import type { Prim } from './prims.ts';

export type { JvpRule };

export interface JvpResult {
  /** The outputs of f, re-emitted (use these: the originals may be dead code next to a fused node). */
  out: Tensor[];
  /** The directional derivatives of the outputs; null where it is zero. */
  tangents: (Tensor | null)[];
}

export function jvp(
  f: (...xs: Tensor[]) => Tensor | Tensor[],
  primals: Tensor[],
  tangents: (Tensor | null)[],
): JvpResult {
  const result = f(...primals);
  const outs = Array.isArray(result) ? result : [result];
  return jvpOfGraph(outs, primals, tangents);
}

/** The same transformation on a graph already built: `outputs` as functions of the tensors `primals`. */
export function jvpOfGraph(outputs: Tensor[], primals: Tensor[], tangents: (Tensor | null)[]): JvpResult {
  if (primals.length !== tangents.length) {
    throw new ShapeError(
      `jvp: ${primals.length} primals but ${tangents.length} tangents; give one tangent (or null) per primal`,
    );
  }
  const newPrimal = new Map<Tensor, Tensor>();
  const tangent = new Map<Tensor, Tensor | null>();
  primals.forEach((p, i) => {
    const t = tangents[i];
    if (t !== null && !sameShape(t.shape, p.shape)) throw new TangentShapeError(i, p.shape, t.shape);
    // Two seeds on the same tensor add up (jvp is linear in the tangent).
    tangent.set(p, addOpt(tangent.get(p) ?? null, t));
  });
  const seeded = (n: Node) => n.outputs.every((o) => tangent.has(o));

  for (const node of topoSort(outputs)) {
    if (seeded(node)) continue;
    const ins = node.inputs.map((t) => newPrimal.get(t) ?? t);
    const dots = node.inputs.map((t) => tangent.get(t) ?? null);
    let res: { primals: Tensor[]; tangents: (Tensor | null)[] };
    if (dots.every((d) => d === null)) {
      res = { primals: reemit(node, ins), tangents: node.outputs.map(() => null) };
    } else {
      const rule = jvpRules[node.prim] as JvpRule<Prim>;
      res = rule(node, ins, dots);
    }
    node.outputs.forEach((o, i) => {
      if (res.primals[i] !== o) newPrimal.set(o, res.primals[i]);
      if (!tangent.has(o)) tangent.set(o, res.tangents[i]);
    });
  }
  return {
    out: outputs.map((o) => newPrimal.get(o) ?? o),
    tangents: outputs.map((o) => tangent.get(o) ?? null),
  };
}
