import { describe, expect, it } from 'vitest';
import { add, input } from '../../src/autodiff/index.ts';
import { flowmap, flowmapSchema } from '../../src/methods/flowmap.ts';
import type { FlowMapFn } from '../../src/methods/method.ts';
import { GaussianFlow, lossContext, run } from './helpers.ts';

const B = 16;
const gauss = new GaussianFlow([-1, 0.8], 0.6);
const data = Float64Array.from({ length: 2 * B }, (_, i) => gauss.mu[i % 2] + 0.6 * Math.cos(2.3 * i));

function terms(params: Record<string, unknown>, student: FlowMapFn) {
  const ctx = lossContext({
    params: flowmapSchema.parse(params),
    batch: B,
    nets: { net: student },
    teacher: gauss.velocity,
    data: input('data', [B, 2]),
  });
  const loss = flowmap.stages[1].main.buildLoss(ctx);
  const names = Object.keys(loss.terms);
  const values = run(Object.values(loss.terms), { ...gauss.feeds(), data });
  return Object.fromEntries(names.map((n, i) => [n, values[i][0]]));
}

describe('flow-map distillation (float64, exact Gaussian teacher)', () => {
  it('trajectory: the exact flow map regresses the in-graph teacher solution with ~zero loss; a perturbed one does not', () => {
    const exact = terms({ teacherSteps: 64, teacherSolver: 'heun' }, gauss.flowMap);
    expect(exact.distill).toBeLessThan(1e-8);
    const off = terms({ teacherSteps: 64 }, (x, t, s) => add(gauss.flowMap(x, t, s), 0.1));
    expect(off.distill).toBeGreaterThan(1e-3);
  });

  it('lagrangian (teacher): d/ds f of the exact map equals u_T(f, s); its diagonal equals u_T', () => {
    const exact = terms({ variant: 'lagrangian' }, gauss.flowMap);
    expect(exact.lagrangian).toBeLessThan(1e-20);
    expect(exact.diagonal).toBeLessThan(1e-20);
  });

  it('lagrangianSelf: the exact map satisfies its own Lagrangian equation; the diagonal is an FM loss on data', () => {
    const exact = terms({ variant: 'lagrangianSelf' }, gauss.flowMap);
    expect(exact.lagrangian).toBeLessThan(1e-20);
    expect(exact.diagonal).toBeGreaterThan(0);
    expect(flowmap.needsTeacher(flowmapSchema.parse({ variant: 'lagrangianSelf' }))).toBe(false);
    expect(flowmap.needsTeacher(flowmapSchema.parse({}))).toBe(true);
  });
});
