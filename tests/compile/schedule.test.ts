/**
 * The schedule of a MeanFlow training step (3 x 256 SiLU MLP, batch 1024, AdamW), as a snapshot: a
 * change that adds work shows in review. Also the dispatch target, dead-code removal after the JVP,
 * and liveness-based reuse of the arena (compiled only, nothing runs).
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { canonicalize } from '../../src/autodiff/scheduleRewrite.ts';
import { schedule } from '../../src/autodiff/schedule.ts';
import { planMemory } from '../../src/autodiff/scheduleMemory.ts';
import { Prim, topoSort } from '../../src/autodiff/index.ts';
import { meanFlowStep } from '../../src/bench/stepGraphs.ts';
import { testRuntime } from './helpers.ts';

const BENCH = { batch: 1024, width: 256, depth: 3, act: 'silu', data: 'checkerboard' } as const;

describe('schedule of a MeanFlow training step', () => {
  it('is at most 20 dispatches, none of them a readback, and matches the snapshot', async () => {
    const rt = await testRuntime();
    const g = meanFlowStep(BENCH);
    const step = compileStep(g.spec, rt, { seed: 1, gateOnLoad: true });
    expect(step.dispatchesPerStep).toBeLessThanOrEqual(20);
    expect(step.describe()).toMatchSnapshot();
    // Without GATE_A (the default on CPU drivers) the gate products are materialized by fused kernels.
    const ungated = compileStep(g.spec, rt, { seed: 1, gateOnLoad: false });
    expect(ungated.dispatchesPerStep).toBeLessThanOrEqual(19);
    ungated.destroy();
    const naive = compileStep(g.spec, rt, { seed: 1, naive: true });
    expect(naive.dispatchesPerStep).toBeGreaterThan(2 * step.dispatchesPerStep);
    step.destroy();
    naive.destroy();
  });

  it('drops the primal nodes a JVP leaves dead and computes each pre-activation once', () => {
    const g = meanFlowStep({ ...BENCH, batch: 8, width: 16 });
    const roots = [g.loss, ...g.spec.updates!.map((u) => u.value)];
    const before = topoSort(roots);
    const canon = canonicalize(roots);
    const after = topoSort(canon);
    expect(before.some((n) => n.prim === Prim.DenseJvp)).toBe(true);
    expect(after.some((n) => n.prim === Prim.DenseJvp)).toBe(false);
    // One pre-activation per layer, shared by the forward, the tangent gate and the backward gate.
    expect(after.filter((n) => n.prim === Prim.Dense).length).toBe(4);
    const s = schedule({ naive: false, outputs: [canon[0]], updates: [] });
    expect(s.units.every((u) => u.kind !== 'adam')).toBe(true);
  });

  it('reuses arena slots after their last reader (the arena is smaller than all tensors together)', () => {
    const g = meanFlowStep(BENCH);
    const roots = canonicalize([g.loss, ...g.grads]);
    const s = schedule({ naive: false, outputs: roots, updates: [] });
    const mem = planMemory(s, roots);
    let transient = 0;
    for (const [t, off] of mem.slot) if (off >= mem.persistent) transient += Math.ceil(t.size / 64) * 64;
    expect(mem.size - mem.persistent).toBeLessThan(0.9 * transient);
    // No two tensors live at the same time share a slot.
    const live = new Map<unknown, [number, number]>();
    s.units.forEach((u, i) => {
      for (const t of u.outputs) if (!live.has(t)) live.set(t, [i, i]);
      for (const t of u.reads) if (live.has(t)) live.get(t)![1] = i;
    });
    const items = [...live.entries()].map(([t, span]) => ({
      t: t as (typeof roots)[0],
      span,
      off: mem.slot.get(t as (typeof roots)[0])!,
    }));
    for (const a of items) {
      for (const b of items) {
        if (a === b || a.off === undefined || b.off === undefined) continue;
        const overlapTime = a.span[0] <= b.span[1] && b.span[0] <= a.span[1];
        const overlapSpace = a.off < b.off + b.t.size && b.off < a.off + a.t.size;
        expect(overlapTime && overlapSpace, `${a.t} and ${b.t} share memory while both live`).toBe(false);
      }
    }
  });
});
