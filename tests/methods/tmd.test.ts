import { describe, expect, it } from 'vitest';
import { grad, input, mul, sub } from '../../src/autodiff/index.ts';
import { filled } from '../../src/methods/flow.ts';
import type { OptimizerGroup } from '../../src/methods/method.ts';
import {
  headCondition,
  headPath,
  tmd,
  tmdSchema,
  transitionMatchingLoss,
  unrolledSample,
} from '../../src/methods/tmd.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { planStages } from '../../src/train/plan.ts';
import { initialStateValues, startOfStage } from '../../src/train/state.ts';
import { boundNets, eightGaussiansTeacher, lossContext, maxAbsDiff, methodNets, run } from './helpers.ts';

const B = 16;
const all = methodNets(tmd, 60);
const bound = { all, ...boundNets(tmd, all) };
const feeds = Object.assign({}, ...Object.values(bound.all).map((n) => n.feeds));
const norm = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

function context(params: Record<string, unknown>, data: string | null) {
  return lossContext({
    params: tmdSchema.parse(params),
    batch: B,
    nets: bound.nets,
    condNets: bound.condNets,
    teacher: eightGaussiansTeacher,
    data,
  });
}

describe('Transition Matching Distillation (float64)', () => {
  it("stage 1: the head's MeanFlow target by forward mode equals the central difference (delta 5e-3) to O(delta^2)", () => {
    const fwd = transitionMatchingLoss(context({}, '8gaussians')).total;
    const fd = transitionMatchingLoss(context({ headJvp: 'finiteDifference' }, '8gaussians')).total;
    const [a, b] = run([fwd, fd], feeds);
    expect(Math.abs(a[0] - b[0])).toBeLessThan(1e-4 * Math.max(1, a[0]));
    expect(a[0]).toBeGreaterThan(1e-3);
    // The loss trains the head only: no gradient reaches the (frozen) trunk.
    const trunk = bound.all.trunk.params;
    run(grad(fwd, trunk), feeds).forEach((g) => expect(norm(g)).toBe(0));
    expect(norm(run(grad(fwd, bound.all.head.params), feeds)[0])).toBeGreaterThan(1e-6);
  });

  it('the outer update is x <- x - (t_i - t_{i+1}) y with y from the inner head steps on fresh noise', () => {
    const e = input('e', [4, 2]);
    const eps = [input('eps0', [4, 2]), input('eps1', [4, 2])];
    let k = 0;
    const r = unrolledSample(bound.nets.trunk, bound.condNets.head, e, 2, 3, () => eps[k++]);
    expect(r.path).toHaveLength(1 + 2 * 3);
    const f = {
      ...feeds,
      e: Float64Array.from({ length: 8 }, (_, i) => Math.sin(i + 1)),
      eps0: Float64Array.from({ length: 8 }, (_, i) => Math.cos(i)),
      eps1: Float64Array.from({ length: 8 }, (_, i) => Math.sin(2 * i)),
    };
    const c = headCondition(bound.nets.trunk, e, filled([4, 1], 1));
    const y0 = headPath(bound.condNets.head, c, eps[0], 3)[3];
    const [x1, want, end] = run([r.path[3], sub(e, mul(y0, 0.5)), r.x0], f);
    expect(maxAbsDiff(x1, want)).toBeLessThan(1e-12);
    expect(end.every(Number.isFinite)).toBe(true);
  });

  it('stage 2 trains trunk and head through the unrolled sampler; the fake loss reaches neither, and the generator loss not the fake net', () => {
    const stage = tmd.stages[2];
    const main = stage.main as OptimizerGroup<unknown>;
    const fake = stage.extra![0] as OptimizerGroup<unknown>;
    const ctx = context({ outerSteps: 2, innerSteps: 2 }, null);
    const gl = main.buildLoss(ctx).total;
    const fl = fake.buildLoss(context({ outerSteps: 2, innerSteps: 2 }, null)).total;
    for (const net of ['trunk', 'head']) {
      expect(norm(run(grad(gl, bound.all[net].params), feeds)[0]), `generator -> ${net}`).toBeGreaterThan(
        1e-8,
      );
      run(grad(fl, bound.all[net].params), feeds).forEach((g) => expect(norm(g), `fake -> ${net}`).toBe(0));
    }
    run(grad(gl, bound.all.fake.params), feeds).forEach((g) => expect(norm(g)).toBe(0));
    expect(norm(run(grad(fl, bound.all.fake.params), feeds)[0])).toBeGreaterThan(1e-8);
  });

  it('plans teacher, head pretraining (pretrainSteps) and the student; the trunk starts as the trained teacher in stage 1', () => {
    const config = resolveExperiment({
      method: 'tmd',
      dataset: 'moons',
      net: { width: 16, depth: 2 },
      teacher: { source: 'train', steps: 30 },
      train: { steps: 50 },
      params: { pretrainSteps: 40 },
    });
    const params = tmdSchema.parse(config.params);
    const plan = planStages(tmd, config, params);
    expect(plan.map((p) => [p.stage.name, p.steps])).toEqual([
      ['teacher', 30],
      ['pretrain', 40],
      ['student', 50],
    ]);
    const values = initialStateValues(tmd, config);
    values['teacher.layers.0.weight'] = values['teacher.layers.0.weight'].map((v) => v + 1); // "trained"
    const s1 = startOfStage(tmd, config, plan[1], values, plan);
    expect(Array.from(s1['trunk.layers.0.weight'])).toEqual(Array.from(values['teacher.layers.0.weight']));
    expect(s1['head.layers.0.weight'].length).toBe(16 * (4 + 5));
    expect(Object.keys(s1).filter((k) => k.startsWith('head.layers.')).length).toBe(2 * 3); // 2 hidden + out
    const moved = { ...s1, 'trunk.layers.0.weight': s1['trunk.layers.0.weight'].map((v) => v * 2) };
    const s2 = startOfStage(tmd, config, plan[2], moved, plan);
    expect(s2['trunk.layers.0.weight']).toBe(moved['trunk.layers.0.weight']); // not copied again
  });
});
