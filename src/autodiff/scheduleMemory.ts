/**
 * Memory plan of a compiled step: every tensor is a slot (an element offset, 256-byte aligned) in ONE
 * arena buffer. Persistent slots come first: inputs (state), outputs read back, the step counter, and
 * for each Adam node four flat regions (parameters, gradients, first and second moments) with the
 * same layout, so the update is one dispatch over a contiguous range. Intermediates get a slot at the
 * unit that writes them and give it back after the last unit that reads them (liveness-based reuse,
 * first fit), so the arena is far smaller than the sum of all tensors.
 */
import { sizeOf, type Node, type Tensor } from './graph.ts';
import { Prim, type PrimParams } from './prims.ts';
import type { Schedule } from './schedule.ts';
import { storageRoot } from './scheduleUnits.ts';

/** 256 bytes in f32 elements: the offset alignment of a storage binding. */
export const SLOT_ALIGN = 64;
const align = (n: number) => Math.ceil(Math.max(n, 1) / SLOT_ALIGN) * SLOT_ALIGN;

export class AdamLayoutError extends Error {
  override name = 'AdamLayoutError';
}

export interface AdamRegions {
  p: number;
  g: number;
  m: number;
  v: number;
  length: number;
  step: Tensor;
}

export interface MemoryPlan {
  /** Element offset of each storage root (non-alias materialized tensor). */
  slot: Map<Tensor, number>;
  /** Arena size in elements. */
  size: number;
  /** Elements of the persistent part (state, outputs, counter); intermediates live above it. */
  persistent: number;
  counter: number;
  /** Scratch for the squared gradient norm of each Adam node that clips. */
  normSq: Map<Node, number>;
  adam: Map<Node, AdamRegions>;
  /** Element offset of any materialized tensor (aliases resolved). */
  offsetOf(t: Tensor): number | undefined;
}

class FirstFit {
  private free: { off: number; len: number }[] = [];
  top: number;
  constructor(base: number) {
    this.top = base;
  }
  alloc(len: number): number {
    const i = this.free.findIndex((b) => b.len >= len);
    if (i < 0) {
      const off = this.top;
      this.top += len;
      return off;
    }
    const b = this.free[i];
    const off = b.off;
    if (b.len === len) this.free.splice(i, 1);
    else Object.assign(b, { off: b.off + len, len: b.len - len });
    return off;
  }
  release(off: number, len: number): void {
    this.free.push({ off, len });
    this.free.sort((a, b) => a.off - b.off);
    const merged: { off: number; len: number }[] = [];
    for (const b of this.free) {
      const last = merged[merged.length - 1];
      if (last && last.off + last.len === b.off) last.len += b.len;
      else merged.push({ ...b });
    }
    this.free = merged;
  }
}

/**
 * The Adam node whose outputs (parameters, first and second moments, in order) are exactly this
 * node's parameter and moment inputs, when there is one: a chain of updates of one parameter set.
 */
function chainedAdam(n: Node, k: number): Node | undefined {
  const prev = n.inputs[0].node;
  if (prev.prim !== Prim.Adam || (prev.inputs.length - 1) / 4 !== k) return undefined;
  const state = [...n.inputs.slice(0, k), ...n.inputs.slice(2 * k, 4 * k)];
  return state.every((t, i) => t === prev.outputs[i]) ? prev : undefined;
}

export function planMemory(s: Schedule, outputs: readonly Tensor[]): MemoryPlan {
  const slot = new Map<Tensor, number>();
  const root = (t: Tensor) => storageRoot(s.alias, t);
  let top = 0;
  const place = (t: Tensor) => {
    if (slot.has(t)) return slot.get(t)!;
    slot.set(t, top);
    top += align(t.size);
    return slot.get(t)!;
  };
  const counter = top;
  top += SLOT_ALIGN;

  // Adam: four regions of one layout.
  const adam = new Map<Node, AdamRegions>();
  const normSq = new Map<Node, number>();
  for (const n of s.nodes) {
    if (n.prim !== Prim.Adam) continue;
    const k = (n.inputs.length - 1) / 4;
    const ps = n.inputs.slice(0, k);
    const lists = [ps, s.grads.get(n)!, n.inputs.slice(2 * k, 3 * k), n.inputs.slice(3 * k, 4 * k)];
    const prev = chainedAdam(n, k);
    if (prev) {
      // A second update of the same parameters in one step (DMD2's five fake-score updates): it works
      // in place on the regions of the update before it, whose outputs live there; only the gradients
      // get a region of their own (same layout).
      const r = adam.get(prev)!;
      prev.outputs.forEach((o, i) => slot.set(o, slot.get(prev.inputs[i < k ? i : i + k])!));
      const g = top;
      for (const t of lists[1]) place(t);
      adam.set(n, { ...r, g, step: n.inputs[4 * k] });
      if ((n.params as PrimParams[Prim.Adam]).clipNorm > 0) {
        normSq.set(n, top);
        top += SLOT_ALIGN;
      }
      continue;
    }
    for (const t of [...lists[0], ...lists[2], ...lists[3]]) {
      if (t.node.prim !== Prim.Input || slot.has(t)) {
        throw new AdamLayoutError(
          `adam: ${t} must be a graph input used by one optimizer only (parameters and moments are state the step updates in place)`,
        );
      }
    }
    const bases = lists.map((list) => {
      const base = top;
      for (const t of list) place(t);
      return base;
    });
    adam.set(n, {
      p: bases[0],
      g: bases[1],
      m: bases[2],
      v: bases[3],
      length: top - bases[3],
      step: n.inputs[4 * k],
    });
    if ((n.params as PrimParams[Prim.Adam]).clipNorm > 0) {
      normSq.set(n, top);
      top += SLOT_ALIGN;
    }
  }
  // Other state and read-back outputs.
  for (const n of s.nodes) if (n.prim === Prim.Input) place(n.outputs[0]);
  for (const t of outputs) if (!s.pins.has(root(t))) place(root(t));
  for (const [t, input] of s.pins) slot.set(t, slot.get(input)!);

  // Intermediates by liveness.
  const persistentTop = top;
  const persistent = (t: Tensor) => slot.get(t)! < persistentTop;
  const lastUse = new Map<Tensor, number>();
  s.units.forEach((u, i) => u.reads.forEach((t) => lastUse.set(root(t), i)));
  const heap = new FirstFit(top);
  s.units.forEach((u, i) => {
    for (const t of u.outputs) {
      if (slot.has(t)) continue;
      slot.set(t, heap.alloc(align(t.size)));
    }
    const dying = [...slot.keys()].filter((t) => lastUse.get(t) === i && !persistent(t));
    for (const t of u.outputs) if (!lastUse.has(t) && !persistent(t)) dying.push(t);
    for (const t of new Set(dying)) heap.release(slot.get(t)!, align(t.size));
  });

  const offsetOf = (t: Tensor): number | undefined => {
    if (!s.materialized.has(t)) return undefined;
    let off = 0;
    let cur = t;
    let a = s.alias.get(cur);
    while (a) {
      off += a.offset;
      cur = a.of;
      a = s.alias.get(cur);
    }
    const base = slot.get(cur);
    return base === undefined ? undefined : base + off;
  };
  return { slot, size: Math.max(heap.top, top), persistent: persistentTop, counter, normSq, adam, offsetOf };
}

/** Elements a tensor needs, for callers that size views. */
export const elements = (t: Tensor) => sizeOf(t.shape);
