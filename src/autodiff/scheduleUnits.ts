/**
 * Units and their order. Every node that needs work becomes a unit (one dispatch); a unit reads the
 * materialized tensors at the leaves of its inline expressions. Units are ordered by list scheduling:
 * a ready non-elementwise unit goes first, and when only elementwise units are ready they are all
 * fused into ONE kernel (several outputs, several sizes; at most maxFusedNodes inline nodes, the
 * rest goes to the next kernel). A unit that writes an input's slot in place
 * (an update, Adam) waits for every other reader of that input.
 */
import type { Node, Tensor } from './graph.ts';
import { Prim } from './prims.ts';
import type { Alias, MatmulPlan, Unit } from './schedule.ts';

export interface UnitContext {
  nodes: Node[];
  plans: Map<Node, MatmulPlan>;
  absorbed: Map<Tensor, Node>;
  mat: Set<Tensor>;
  alias: Map<Tensor, Alias>;
  pins: Map<Tensor, Tensor>;
  grads: Map<Node, Tensor[]>;
  naive: boolean;
  inlineable: (n: Node) => boolean;
  /** Inline nodes a unit's node computes (its cone), and the most one fused kernel may compute. */
  cost: ReadonlyMap<Node, number>;
  maxFusedNodes: number;
}

export class ScheduleCycleError extends Error {
  override name = 'ScheduleCycleError';
}

export function storageRoot(alias: Map<Tensor, Alias>, t: Tensor): Tensor {
  let a = alias.get(t);
  while (a) {
    t = a.of;
    a = alias.get(t);
  }
  return t;
}

export function planUnits(c: UnitContext): Unit[] {
  const leafMemo = new Map<Tensor, Tensor[]>();
  const leaves = (t: Tensor): Tensor[] => {
    if (c.mat.has(t)) return [t];
    const hit = leafMemo.get(t);
    if (hit) return hit;
    const out = [...new Set(t.node.inputs.flatMap(leaves))];
    leafMemo.set(t, out);
    return out;
  };
  const units: Unit[] = [];
  for (const n of c.nodes) {
    const plan = c.plans.get(n);
    if (n.prim === Prim.Input) continue;
    if (plan) {
      const outputs = [plan.out, plan.pre, plan.rowsum, plan.jvp?.yd].filter(
        (t): t is Tensor => t !== undefined,
      );
      const reads = [plan.a, plan.b, plan.bias, plan.gate?.p, plan.jvp?.xd].filter(
        (t): t is Tensor => t !== undefined,
      );
      units.push({ kind: 'matmul', outputs, reads, node: n, matmul: plan });
    } else if (n.prim === Prim.Adam) {
      const k = (n.inputs.length - 1) / 4;
      const reads = [...n.inputs.slice(0, k), ...c.grads.get(n)!, ...n.inputs.slice(2 * k)];
      units.push({ kind: 'adam', outputs: [...n.outputs], reads, node: n });
    } else if (n.prim === Prim.SampleData) {
      units.push({ kind: 'sampleData', outputs: [n.outputs[0]], reads: [], node: n });
    } else if ((n.prim === Prim.ReduceSum || n.prim === Prim.ReduceMax) && !c.inlineable(n)) {
      if (c.absorbed.has(n.outputs[0])) continue;
      units.push({ kind: 'reduce', outputs: [n.outputs[0]], reads: leaves(n.inputs[0]), node: n });
    } else {
      for (const o of n.outputs) {
        if (!c.mat.has(o) || c.alias.has(o) || c.absorbed.has(o)) continue;
        units.push({
          kind: 'elementwise',
          outputs: [o],
          reads: [...new Set(n.inputs.flatMap(leaves))],
          node: n,
        });
      }
    }
  }
  return order(units, c);
}

function order(units: Unit[], c: UnitContext): Unit[] {
  const root = (t: Tensor) => storageRoot(c.alias, t);
  const producer = new Map<Tensor, number>();
  units.forEach((u, i) => u.outputs.forEach((t) => producer.set(t, i)));
  const succ = units.map(() => new Set<number>());
  const addEdge = (from: number, to: number) => {
    if (from !== to) succ[from].add(to);
  };
  units.forEach((u, i) =>
    u.reads.forEach((t) => producer.has(root(t)) && addEdge(producer.get(root(t))!, i)),
  );
  // In-place writers wait for the other readers of the slot they overwrite.
  const writes = units.map(
    (u) => new Set(u.outputs.map((t) => c.pins.get(t)).filter((t): t is Tensor => !!t)),
  );
  units.forEach((u, i) => {
    if (u.kind === 'adam') {
      const k = (u.node!.inputs.length - 1) / 4;
      [...u.node!.inputs.slice(0, k), ...u.node!.inputs.slice(2 * k, 4 * k)].forEach((t) => writes[i].add(t));
    }
  });
  const readsRoots = units.map((u) => new Set(u.reads.map(root)));
  units.forEach((_, w) => {
    for (const input of writes[w]) units.forEach((_, r) => readsRoots[r].has(input) && addEdge(r, w));
  });
  const indeg = units.map(() => 0);
  succ.forEach((s) => s.forEach((j) => indeg[j]++));
  let ready = units.map((_, i) => i).filter((i) => indeg[i] === 0);
  const out: Unit[] = [];
  const done = (i: number) => succ[i].forEach((j) => --indeg[j] === 0 && ready.push(j));
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const other = ready.find((i) => units[i].kind !== 'elementwise');
    if (other !== undefined || c.naive) {
      const i = other ?? ready[0];
      ready = ready.filter((j) => j !== i);
      out.push(units[i]);
      done(i);
      continue;
    }
    const group: number[] = [];
    let size = 0;
    for (const i of ready) {
      const w = units[i].node ? (c.cost.get(units[i].node!) ?? 1) : 1;
      if (group.length > 0 && size + w > c.maxFusedNodes) continue;
      const clash = group.some(
        (j) =>
          [...writes[i]].some((t) => readsRoots[j].has(t)) ||
          [...writes[j]].some((t) => readsRoots[i].has(t)),
      );
      if (!clash) {
        group.push(i);
        size += w;
      }
    }
    ready = ready.filter((j) => !group.includes(j));
    const members = group.map((i) => units[i]);
    out.push({
      kind: 'elementwise',
      outputs: members.flatMap((u) => u.outputs),
      reads: [...new Set(members.flatMap((u) => u.reads))],
    });
    group.forEach(done);
  }
  if (indeg.some((d) => d > 0)) {
    throw new ScheduleCycleError(
      'the step has a cycle between an in-place update and a reader of the same input: read the input before ' +
        'the update in a way that does not depend on the updated value, or write the update to a new input',
    );
  }
  return out;
}
