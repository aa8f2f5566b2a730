/**
 * A stable, readable dump of a graph: one node per line in topological order, renumbered from 0
 * (so snapshots do not depend on how many nodes were built before):
 *   %3 = dense{act=silu}(%0, %1, %2) -> [8,16]
 *   %5 = denseJvp{act=silu}(%3, %4, %1, %2) -> [8,16] [8,16]      (several outputs)
 * An input refers to output k of a multi-output node as %n.k. The outputs are listed last.
 */
import { topoSort, type Node, type Tensor } from './graph.ts';

function formatParams(params: object): string {
  const entries = Object.entries(params);
  if (entries.length === 0) return '';
  const fmt = (v: unknown): string => (Array.isArray(v) ? `[${v.join(',')}]` : String(v));
  return `{${entries.map(([k, v]) => `${k}=${fmt(v)}`).join(',')}}`;
}

export function printGraph(outputs: readonly Tensor[]): string {
  const nodes = topoSort(outputs);
  const num = new Map<Node, number>(nodes.map((n, i) => [n, i]));
  const ref = (t: Tensor) => `%${num.get(t.node)}${t.node.outputs.length > 1 ? `.${t.index}` : ''}`;
  const lines = nodes.map((n) => {
    const args = n.inputs.length ? `(${n.inputs.map(ref).join(', ')})` : '';
    const shapes = n.outputs.map((o) => `[${o.shape.join(',')}]`).join(' ');
    return `%${num.get(n)} = ${n.prim}${formatParams(n.params)}${args} -> ${shapes}`;
  });
  lines.push(`outputs: ${outputs.map(ref).join(', ')}`);
  return lines.join('\n');
}

/** The number of nodes that `outputs` depend on, by primitive: what a compiled step would launch. */
export function countNodes(outputs: readonly Tensor[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of topoSort(outputs)) counts[n.prim] = (counts[n.prim] ?? 0) + 1;
  return counts;
}
