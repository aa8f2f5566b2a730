/**
 * The scheduler: from the canonical graph (scheduleRewrite.ts) to an ordered list of units, each one
 * dispatch. It decides which tensors live in the arena ("materialized") and which are computed inline
 * inside the elementwise kernels that use them, finds the matmul patterns (activation epilogue with
 * the pre-activation written, backward gate A * act'(P) on load, bias gradient as the matmul's row
 * sum), makes reshapes and aligned slices zero-copy aliases, and orders the units so that
 * elementwise work that becomes ready together is fused into one multi-output kernel.
 */
import { emit, sizeOf, topoSort, type Node, type Tensor } from './graph.ts';
import { Prim, type Activation, type PrimParams } from './prims.ts';
import { planUnits } from './scheduleUnits.ts';
import { capFusedCones, MAX_FUSED_NODES } from './scheduleCap.ts';

export type UnitKind = 'elementwise' | 'reduce' | 'matmul' | 'adam' | 'sampleData';

export interface MatmulPlan {
  node: Node;
  a: Tensor;
  b: Tensor;
  bias?: Tensor;
  transA: boolean;
  transB: boolean;
  /** The tensor written to C: the epilogue activation's output, or the node's own. */
  out: Tensor;
  act: Activation;
  /** The pre-activation, written beside C (WRITE_PRE). */
  pre?: Tensor;
  /** A := A * act'(p) on load; `a` is then the un-gated operand g. */
  gate?: { p: Tensor; act: Activation };
  /** sum over rows of opA(A), the bias gradient (ROWSUM). */
  rowsum?: Tensor;
  /** A dense layer with its tangent (the engine's denseJvp): yd = act'(pre) * (xd W^T). */
  jvp?: { xd: Tensor; yd: Tensor };
}

export interface Unit {
  kind: UnitKind;
  /** Tensors it writes to the arena. */
  outputs: Tensor[];
  /** Materialized tensors it reads. */
  reads: Tensor[];
  node?: Node;
  matmul?: MatmulPlan;
}

export interface ScheduleOptions {
  /** One dispatch per primitive: no fusion, no epilogues, no inlining (only constants and aliases are free). */
  naive: boolean;
  /**
   * Fold act'(P) * g into the matmul that reads it (GATE_A; default true). false materializes the
   * product in a fused kernel instead: more dispatches, but no activation derivative per operand
   * load, which is what the engine's direct-load matmul on CPU drivers pays.
   */
  gateOnLoad?: boolean;
  /** Inline nodes per generated kernel, at most (default MAX_FUSED_NODES, src/autodiff/scheduleCap.ts). */
  maxFusedNodes?: number;
  /** Tensors read back after a step. */
  outputs: Tensor[];
  /** State written back in place: `value` takes the arena slot of the input tensor `input`. */
  updates: { input: Tensor; value: Tensor }[];
}

export interface Alias {
  of: Tensor;
  /** Element offset into `of`. */
  offset: number;
}

export interface Schedule {
  nodes: Node[];
  units: Unit[];
  materialized: Set<Tensor>;
  alias: Map<Tensor, Alias>;
  /** A tensor written into the slot of an input (an update), by the tensor written. */
  pins: Map<Tensor, Tensor>;
  /** For each Adam node, the tensors that hold its gradients (copies where a gradient is shared or an input). */
  grads: Map<Node, Tensor[]>;
}

/** Elementwise primitives, computable per element inside a fused kernel. */
const ELEMENTWISE = new Set<Prim>([
  Prim.Constant,
  Prim.Random,
  Prim.Unary,
  Prim.Activation,
  Prim.Binary,
  Prim.Select,
  Prim.BroadcastTo,
  Prim.Reshape,
  Prim.StopGradient,
  Prim.Concat,
  Prim.Slice,
]);

/** Reductions over at most this many elements are unrolled inside elementwise kernels. */
export const SMALL_REDUCE = 8;

const isReduce = (n: Node) => n.prim === Prim.ReduceSum || n.prim === Prim.ReduceMax;
const reducedExtent = (n: Node) => {
  const { axes } = n.params as PrimParams[Prim.ReduceSum];
  return sizeOf(axes.map((a) => n.inputs[0].shape[a]));
};

export function schedule(opts: ScheduleOptions): Schedule {
  const roots = [...opts.outputs, ...opts.updates.map((u) => u.value)];
  const nodes = topoSort(roots);
  const consumers = new Map<Tensor, Node[]>();
  for (const n of nodes) for (const t of n.inputs) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  const uses = (t: Tensor) => consumers.get(t) ?? [];
  const rootSet = new Set(roots);

  const inlineable = (n: Node) =>
    n.prim === Prim.Constant ||
    (!opts.naive && (ELEMENTWISE.has(n.prim) || (isReduce(n) && reducedExtent(n) <= SMALL_REDUCE)));

  // ---- matmul patterns ----------------------------------------------------------------------------
  const plans = new Map<Node, MatmulPlan>();
  const absorbed = new Map<Tensor, Node>(); // epilogue activations and row sums: written by a matmul
  for (const n of nodes) {
    if (n.prim === Prim.Dense) {
      const [x, w, b] = n.inputs;
      plans.set(n, {
        node: n,
        a: x,
        b: w,
        bias: b,
        transA: false,
        transB: true,
        out: n.outputs[0],
        act: 'identity',
      });
    } else if (n.prim === Prim.Matmul) {
      const { transA, transB } = n.params as PrimParams[Prim.Matmul];
      plans.set(n, {
        node: n,
        a: n.inputs[0],
        b: n.inputs[1],
        transA,
        transB,
        out: n.outputs[0],
        act: 'identity',
      });
    }
  }
  const gated = new Set<Tensor>();
  const dropped = new Set<Tensor>(); // tangent matmuls folded into a denseJvp: never written
  /**
   * Dense D = x W^T + b and Q = xd W^T on the same W with yd = act'(D) * Q (or Q itself for identity):
   * one denseJvp dispatch writes act(D), yd and, when something else reads it, D.
   */
  const fuseTangent = (n: Node, plan: MatmulPlan) => {
    const [x, w] = n.inputs;
    const d = n.outputs[0];
    for (const q of uses(w)) {
      const qp = q.params as PrimParams[Prim.Matmul];
      if (q.prim !== Prim.Matmul || q.inputs[1] !== w || qp.transA || !qp.transB || !plans.has(q)) continue;
      if (q.inputs[0].shape.join() !== x.shape.join() || q.inputs[0] === w) continue;
      const qt = q.outputs[0];
      let yd = qt;
      if (plan.act !== 'identity') {
        const m = uses(qt).find((u) => {
          const g =
            u.prim === Prim.Binary && (u.params as PrimParams[Prim.Binary]).op === 'mul'
              ? gateOf(u)
              : undefined;
          return g !== undefined && g.p === d && g.g === qt && g.act === plan.act;
        });
        if (!m || uses(qt).length !== 1 || rootSet.has(qt)) continue;
        yd = m.outputs[0];
        dropped.add(qt);
        const act1 = m.inputs.find((t) => t !== qt)!;
        const otherUse = uses(d).some((u) => u !== act1.node && !absorbed.has(u.outputs[0]));
        const act1Used = uses(act1).some((u) => u !== m) || rootSet.has(act1);
        if (!otherUse && !act1Used && !rootSet.has(d)) plan.pre = undefined;
      }
      plans.delete(q);
      plan.jvp = { xd: q.inputs[0], yd };
      absorbed.set(yd, n);
      return;
    }
  };
  if (!opts.naive) {
    for (const [n, plan] of plans) {
      if (n.prim !== Prim.Dense) continue;
      const d = n.outputs[0];
      const epi = uses(d).find(
        (u) => u.prim === Prim.Activation && (u.params as PrimParams[Prim.Activation]).order === 0,
      );
      if (!epi) continue;
      plan.out = epi.outputs[0];
      plan.act = (epi.params as PrimParams[Prim.Activation]).act;
      absorbed.set(plan.out, n);
      if (uses(d).length > 1 || rootSet.has(d)) plan.pre = d;
    }
    for (const [n, plan] of [...plans]) if (n.prim === Prim.Dense) fuseTangent(n, plan);
    for (const n of opts.gateOnLoad === false ? [] : nodes) {
      if (n.prim !== Prim.Binary || (n.params as PrimParams[Prim.Binary]).op !== 'mul') continue;
      const t = n.outputs[0];
      const g = gateOf(n);
      if (!g || rootSet.has(t) || absorbed.has(t)) continue;
      const hosts = uses(t).filter(
        (u) => plans.has(u) && u.prim === Prim.Matmul && u.inputs[0] === t && u.inputs[1] !== t,
      );
      const sums = uses(t).filter((u) => isRowSum(u));
      if (hosts.length + sums.length !== uses(t).length) continue;
      if (sums.length > 0 && !hosts.some((h) => plans.get(h)!.transA)) continue;
      gated.add(t);
      for (const h of hosts) Object.assign(plans.get(h)!, { a: g.g, gate: { p: g.p, act: g.act } });
    }
    // Bias gradients: sum over rows of a matmul's transposed left operand.
    for (const n of nodes) {
      if (!isRowSum(n)) continue;
      const t = n.inputs[0];
      const host = uses(t).find(
        (u) => u.prim === Prim.Matmul && u.inputs[0] === t && plans.get(u)!.transA && !plans.get(u)!.rowsum,
      );
      if (!host) continue;
      plans.get(host)!.rowsum = n.outputs[0];
      absorbed.set(n.outputs[0], host);
    }
  }

  // ---- which tensors live in the arena --------------------------------------------------------------
  const mat = new Set<Tensor>();
  for (const t of roots) mat.add(t);
  for (const n of nodes) {
    if (!inlineable(n)) for (const o of n.outputs) mat.add(o);
    if (n.prim === Prim.Adam) n.inputs.forEach((t) => mat.add(t));
    if (!inlineable(n) && !isReduce(n) && !plans.has(n) && n.prim !== Prim.Adam)
      n.inputs.forEach((t) => mat.add(t));
  }
  for (const plan of plans.values()) {
    for (const t of [plan.a, plan.b, plan.bias, plan.gate?.p, plan.jvp?.xd]) if (t) mat.add(t);
    if (!plan.pre && plan.out !== plan.node.outputs[0]) mat.delete(plan.node.outputs[0]);
  }
  for (const t of [...gated, ...dropped]) mat.delete(t);
  for (const t of absorbed.keys()) mat.add(t);
  const cost = opts.naive
    ? new Map<Node, number>()
    : capFusedCones(nodes, mat, inlineable, new Set([...gated, ...dropped]), opts.maxFusedNodes);

  // ---- aliases: reshapes and aligned contiguous slices of materialized tensors -----------------------
  const alias = new Map<Tensor, Alias>();
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k];
    const t = n.outputs[0];
    if (!mat.has(t) || absorbed.has(t)) continue;
    if (n.prim === Prim.Reshape || n.prim === Prim.StopGradient) {
      alias.set(t, { of: n.inputs[0], offset: 0 });
      mat.add(n.inputs[0]);
    } else if (n.prim === Prim.Slice) {
      const { axis, start } = n.params as PrimParams[Prim.Slice];
      const x = n.inputs[0];
      const outer = sizeOf(x.shape.slice(0, axis));
      const offset = start * sizeOf(x.shape.slice(axis + 1));
      if (outer === 1 && (offset * 4) % 256 === 0) {
        alias.set(t, { of: x, offset });
        mat.add(x);
      }
    }
  }

  // ---- pinned slots: update values and Adam gradients need a unit of their own that writes them ----
  const pins = new Map<Tensor, Tensor>();
  const claimed = new Set<Tensor>();
  // A value that other nodes also read (other than Adam's outputs, which only the EMA reads after the
  // update) is written in place by a copy of its own: otherwise a kernel that reads both the old input and
  // the new value (Heun's t + h beside t) would have to run both before and after the in-place write.
  const consumed = new Set(nodes.flatMap((n) => n.inputs));
  const own = (t: Tensor, update = false): Tensor => {
    let v = t;
    const sharedValue = update && consumed.has(t) && t.node.prim !== Prim.Adam;
    if (!mat.has(t) || alias.has(t) || t.node.prim === Prim.Input || claimed.has(t) || sharedValue) {
      v = emit(Prim.BroadcastTo, { shape: t.shape }, [t], [t.shape])[0];
      nodes.push(v.node);
      mat.add(v);
    }
    claimed.add(v);
    return v;
  };
  for (const u of opts.updates) pins.set(own(u.value, true), u.input);
  const grads = new Map<Node, Tensor[]>();
  for (const n of nodes) {
    if (n.prim !== Prim.Adam) continue;
    const k = (n.inputs.length - 1) / 4;
    grads.set(
      n,
      n.inputs.slice(k, 2 * k).map((g) => own(g)),
    );
  }

  const units = planUnits({
    nodes,
    plans,
    absorbed,
    mat,
    alias,
    pins,
    grads,
    naive: opts.naive,
    inlineable,
    cost,
    maxFusedNodes: opts.maxFusedNodes ?? MAX_FUSED_NODES,
  });
  return { nodes, units, materialized: mat, alias, pins, grads };
}

/** mul(act'(P), g) (either order) with P, g and the product of one shape: the backward of a dense layer. */
function gateOf(n: Node): { p: Tensor; g: Tensor; act: Activation } | undefined {
  for (const [k, other] of [
    [0, 1],
    [1, 0],
  ]) {
    const a = n.inputs[k];
    const g = n.inputs[other];
    if (a.node.prim !== Prim.Activation) continue;
    const { act, order } = a.node.params as PrimParams[Prim.Activation];
    const p = a.node.inputs[0];
    if (order !== 1 || p.node.prim !== Prim.Dense) continue;
    const shape = n.outputs[0].shape.join();
    if (shape === p.shape.join() && shape === g.shape.join() && p.shape.length === 2) return { p, g, act };
  }
  return undefined;
}

function isRowSum(n: Node): boolean {
  if (n.prim !== Prim.ReduceSum) return false;
  const { axes, keepDims } = n.params as PrimParams[Prim.ReduceSum];
  return !keepDims && axes.length === 1 && axes[0] === 0 && n.inputs[0].shape.length === 2;
}
