import { describe, expect, it } from 'vitest';
import { grad, input } from '../../src/autodiff/index.ts';
import {
  defaultParams,
  METHODS,
  MethodParamsError,
  methodById,
  resolveMethodParams,
  UnknownMethodError,
  type Method,
  type OptimizerGroup,
} from '../../src/methods/index.ts';
import { boundNets, lossContext, marginalOf, methodNets, run, testNet, type TestNet } from './helpers.ts';
import { eightGaussiansTeacher } from './helpers.ts';

/** Every variant worth building: the defaults plus the options that change the graph. */
const VARIANTS: Record<string, Record<string, unknown>[]> = {
  fm: [{}, { timeDist: 'logitNormal' }],
  flowmap: [
    { teacherSteps: 3 },
    { variant: 'lagrangian' },
    { variant: 'lagrangianSelf' },
    { teacherSolver: 'midpoint', teacherSteps: 2 },
  ],
  meanflow: [{}, { jvpVelocityMix: 0.5, adaptiveP: 0.75, adaptiveEps: 1e-3, timeDist: 'uniform' }],
  meanflowDistill: [{}, { adaptiveP: 0, timeDist: 'uniform', ratioEqual: 0 }],
  tvm: [{}, { detachJvp: true }],
  freeflow: [
    {},
    { predictorForm: 'residual' },
    { corrector: false },
    { deltaDist: 'logitNormal', weightPower: 0 },
  ],
  dmd: [{}, { variant: 'dmd', steps: 2 }, { variant: 'vsd', steps: 4, timeShift: 2 }],
  tmd: [{}, { headJvp: 'finiteDifference', outerSteps: 2, innerSteps: 1 }, { matching: 'vsd', timeShift: 3 }],
  mfm: [{}, { tangentVelocity: 'model' }, { consistency: 'lagrangian' }, { consistency: 'semigroup' }],
};

function groupsOf(m: Method) {
  return m.stages.flatMap((stage) =>
    [stage.main, ...(stage.extra ?? [])].map((g) => ({ stage, group: g as OptimizerGroup<unknown> })),
  );
}

describe('every method builds a loss graph with finite loss and non-zero gradients for every trained parameter', () => {
  for (const method of METHODS) {
    for (const raw of VARIANTS[method.id]) {
      const params = defaultParams(method);
      Object.assign(
        params,
        resolveMethodParams({ method: method.id, params: raw as Record<string, number> }),
      );
      it(`${method.id} ${JSON.stringify(raw)}`, () => {
        const nets: Record<string, TestNet> = methodNets(method, 100);
        const feeds = Object.assign({}, ...Object.values(nets).map((n) => n.feeds));
        for (const { stage, group } of groupsOf(method)) {
          if ((group.updatesPerStep?.(params) ?? 1) === 0) continue;
          const ctx = lossContext({
            params,
            batch: 24,
            ...boundNets(method, nets),
            teacher: stage.name === 'teacher' || !method.needsTeacher(params) ? null : eightGaussiansTeacher,
            data: (stage.usesData ?? method.usesData) ? '8gaussians' : null,
          });
          const loss = group.buildLoss(ctx);
          expect(loss.total.shape).toEqual([]);
          const wrt = group.trains.flatMap((n) => nets[n].params);
          const termNames = Object.keys(loss.terms);
          const values = run([loss.total, ...Object.values(loss.terms), ...grad(loss.total, wrt)], feeds);
          const label = `${method.id}/${stage.name}/${group.name}`;
          values.slice(0, 1 + termNames.length).forEach((v, i) => {
            expect(v.length, `${label} term ${termNames[i - 1] ?? 'total'}`).toBe(1);
            expect(Number.isFinite(v[0]), `${label} term ${termNames[i - 1] ?? 'total'}`).toBe(true);
          });
          values.slice(1 + termNames.length).forEach((g, i) => {
            expect(
              g.every((x) => Number.isFinite(x)),
              `${label} grad ${i}`,
            ).toBe(true);
            expect(
              g.some((x) => x !== 0),
              `${label} grad of ${wrt[i]}`,
            ).toBe(true);
          });
        }
      });
    }
  }
});

describe('samplers: shapes of samples and trajectories, NFE', () => {
  const N = 5;
  const noise = input('noise', [N, 2]);
  const feeds = { noise: Float64Array.from({ length: 2 * N }, (_, i) => Math.sin(i)) };
  for (const method of METHODS) {
    it(method.id, () => {
      const decl = method.networks[method.sampleNetwork];
      const cond = decl.kind === 'conditionalFlowMap' ? decl.sampleCondition! : [];
      const raw = testNet('net.', 3, 16, 2, cond.length);
      const net = cond.length ? { ...raw, fn: marginalOf(raw.cond, cond, N) } : raw;
      const others = methodNets(method, 3);
      const bound = boundNets(method, others);
      const allFeeds = Object.assign({}, net.feeds, ...Object.values(others).map((n) => n.feeds));
      for (const steps of [1, 2, 4]) {
        for (const solver of ['euler', 'midpoint', 'heun'] as const) {
          const ctx = { params: defaultParams(method), net: net.fn, teacher: null, ...bound };
          const r = method.sample(ctx, noise, {
            steps,
            solver,
          });
          expect(r.samples.shape).toEqual([N, 2]);
          // TMD's path holds both levels: innerSteps points per outer step.
          const points = method.id === 'tmd' ? steps * Number(defaultParams(method).innerSteps) : steps;
          expect(r.trajectory.shape).toEqual([points + 1, N, 2]);
          const expected =
            method.id === 'fm' ? steps * (solver === 'euler' ? 1 : 2) : method.id === 'freeflow' ? 1 : steps;
          expect(r.nfe).toBe(expected);
          const [s, path] = run([r.samples, r.trajectory], { ...feeds, ...allFeeds });
          expect(Array.from(path.subarray(0, 2 * N))).toEqual(Array.from(feeds.noise));
          expect(Array.from(path.subarray(2 * N * points))).toEqual(Array.from(s));
        }
      }
    });
  }
});

describe('registry and hyperparameters', () => {
  it('lists the methods with arXiv ids, objectives and official defaults', () => {
    expect(METHODS.map((m) => m.id)).toEqual([
      'fm',
      'flowmap',
      'meanflow',
      'meanflowDistill',
      'tvm',
      'freeflow',
      'dmd',
      'tmd',
      'mfm',
    ]);
    for (const m of METHODS) {
      expect(m.paper).toMatch(/^\d{4}\.\d{5}$/);
      expect(m.objective.length).toBeGreaterThan(10);
    }
    expect(defaultParams(methodById('meanflow'))).toMatchObject({
      adaptiveP: 1,
      adaptiveEps: 0.01,
      ratioEqual: 0.75,
      timeMean: -0.4,
      timeStd: 1,
    });
    expect(defaultParams(methodById('tvm'))).toMatchObject({
      targetEma: 0.99,
      beta2: 0.95,
      gapMean: -0.8,
      sMean: -0.4,
    });
    expect(defaultParams(methodById('freeflow'))).toMatchObject({
      predictorForm: 'stopGradient',
      predictorShare: 0.75,
      weightPower: 1,
    });
  });

  it('rejects unknown methods, unknown fields and out-of-range values with named errors', () => {
    expect(() => methodById('dmd3')).toThrow(UnknownMethodError);
    expect(() => resolveMethodParams({ method: 'meanflow', params: { ratioEqual: 2 } })).toThrow(
      MethodParamsError,
    );
    expect(() => resolveMethodParams({ method: 'meanflow', params: { ratioequal: 0.5 } })).toThrow(
      /ratioequal/,
    );
    expect(resolveMethodParams({ method: 'meanflow', params: { ratioEqual: 0.25 } })).toMatchObject({
      ratioEqual: 0.25,
      adaptiveP: 1,
    });
  });
});
