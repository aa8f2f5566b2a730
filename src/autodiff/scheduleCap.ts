/**
 * A cap on the size of a generated kernel. An inline tensor is computed inside every kernel that
 * reads it, from its cone: the inline nodes between it and the materialized tensors. A long chain of
 * elementwise work (an ODE unrolled in the graph) would otherwise become one kernel of thousands of
 * lines whose shader compilation (LLVM on software adapters) takes minutes. Walking the graph in
 * topological order, a node whose cone passes half the cap is materialized (its readers start afresh),
 * and one whose cone would still exceed the cap (many inputs) materializes its largest inline inputs,
 * so every kernel computes at most MAX_FUSED_NODES nodes (times the few coordinates each is read at).
 */
import type { Node, Tensor } from './graph.ts';
import { Prim } from './prims.ts';

/** Inline nodes per generated kernel, at most (about a thousand `let`s: each pipeline costs a fixed LLVM compile on software adapters, so fewer, larger kernels compile faster, while the cap keeps any one bounded). */
export const MAX_FUSED_NODES = 1000;

/**
 * Adds to `mat` the tensors to write so that no kernel's cone exceeds `cap` nodes; returns the cone
 * size of each tensor (0 for materialized ones, the cost of reading it inline otherwise) and of each
 * node's own work (its cone when it is written by a kernel of its own).
 */
export function capFusedCones(
  nodes: readonly Node[],
  mat: Set<Tensor>,
  inlineable: (n: Node) => boolean,
  keep: ReadonlySet<Tensor>,
  cap = MAX_FUSED_NODES,
): Map<Node, number> {
  const inline = (t: Tensor) => !mat.has(t) && t.node.prim !== Prim.Constant && inlineable(t.node);
  // The cone is walked afresh (iteratively) for each node: a tensor materialized on the way shrinks
  // the cones of everything that reads it, so no size computed before a cut is reused.
  const coneSize = (roots: readonly Tensor[], self?: Node): number => {
    const seen = new Set<Node>(self ? [self] : []);
    const stack = roots.filter(inline);
    while (stack.length) {
      const t = stack.pop()!;
      if (seen.has(t.node)) continue;
      seen.add(t.node);
      for (const u of t.node.inputs) if (inline(u) && !seen.has(u.node)) stack.push(u);
    }
    return seen.size;
  };
  const heavy = (n: Node) =>
    n.inputs
      .filter((t) => inline(t) && !keep.has(t))
      .map((t) => ({ t, size: coneSize([t]) }))
      .sort((x, y) => y.size - x.size);
  const heaviest = (n: Node): { t: Tensor; size: number } | undefined => heavy(n)[0];
  const own = new Map<Node, number>();
  for (const n of nodes) {
    if (n.prim === Prim.Constant || !inlineable(n)) continue;
    let size = coneSize(n.inputs, n);
    if (size > cap) {
      for (const h of heavy(n)) {
        mat.add(h.t);
        size = coneSize(n.inputs, n);
        if (size <= cap) break;
      }
    }
    // Past half the cap, the heaviest input (the shared state of a chain, read by many siblings) or
    // else the node itself is written, so readers start small: cuts fall about every cap / 2 nodes.
    if (size > cap / 2) {
      const h = heaviest(n);
      if (h && h.size > cap / 4) {
        mat.add(h.t);
        size = coneSize(n.inputs, n);
      }
      if (size > cap / 2 && n.outputs.length === 1 && !keep.has(n.outputs[0])) mat.add(n.outputs[0]);
    }
    own.set(n, size);
  }
  return own;
}
