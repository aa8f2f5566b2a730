/**
 * A cap on the size of a generated kernel. An inline tensor is computed inside every kernel that
 * reads it, from its cone: the inline nodes between it and the materialized tensors. A long chain of
 * elementwise work (an ODE unrolled in the graph) would otherwise become one kernel of thousands of
 * lines whose shader compilation (LLVM on software adapters) takes minutes. Walking the graph in
 * topological order, a node whose cone would exceed the cap materializes its largest inline inputs,
 * so every kernel computes at most MAX_FUSED_NODES nodes (times the few coordinates each is read at).
 */
import type { Node, Tensor } from './graph.ts';
import { Prim } from './prims.ts';

/** Inline nodes per generated kernel, at most (a few hundred `let`s: shader compile stays bounded). */
export const MAX_FUSED_NODES = 160;

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
  const cone = new Map<Node, Set<Node>>();
  const own = new Map<Node, number>();
  const empty = new Set<Node>();
  const inlineCone = (t: Tensor): Set<Node> => (mat.has(t) ? empty : (cone.get(t.node) ?? empty));
  for (const n of nodes) {
    if (n.prim === Prim.Constant || !inlineable(n)) {
      cone.set(n, empty);
      continue;
    }
    const gather = () => {
      const s = new Set<Node>([n]);
      for (const t of n.inputs) for (const m of inlineCone(t)) s.add(m);
      return s;
    };
    let s = gather();
    if (s.size > cap) {
      const heavy = n.inputs
        .filter((t) => !mat.has(t) && !keep.has(t) && inlineCone(t).size > 0)
        .sort((a, b) => inlineCone(b).size - inlineCone(a).size);
      for (const t of heavy) {
        mat.add(t);
        s = gather();
        if (s.size <= cap) break;
      }
    }
    cone.set(n, s);
    own.set(n, s.size);
  }
  return own;
}
