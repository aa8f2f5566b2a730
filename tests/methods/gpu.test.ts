/**
 * Every method's loss, loss terms and parameter gradients compiled into one GPU step on the real
 * adapter, against the float64 executor on the same Philox batch (parameters rounded to f32 for both).
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { grad, type Tensor } from '../../src/autodiff/index.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import {
  defaultParams,
  methodById,
  resolveMethodParams,
  type OptimizerGroup,
} from '../../src/methods/index.ts';
import { testGpu } from '../gpu.ts';
import { lossContext, run, SEED, STEP, testNet, type TestNet } from './helpers.ts';
import { eightGaussiansTeacher } from './helpers.ts';

let runtime: Promise<Runtime> | undefined;
const testRuntime = () => (runtime ??= testGpu().then((ctx) => new Runtime(ctx)));

const f32 = (v: Float64Array) => Float64Array.from(Float32Array.from(v));

/** Worst |gpu - cpu| relative to the array's scale (max |cpu|, at least 1). */
function worst(gpu: ArrayLike<number>, cpu: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < cpu.length; i++) scale = Math.max(scale, Math.abs(cpu[i]));
  let w = 0;
  for (let i = 0; i < cpu.length; i++) w = Math.max(w, Math.abs(gpu[i] - cpu[i]) / scale);
  return w;
}

const CASES: [string, Record<string, unknown>][] = [
  ['fm', {}],
  ['flowmap', { variant: 'lagrangianSelf' }],
  ['meanflow', {}],
  ['tvm', {}],
  ['freeflow', {}],
];

describe('method losses and gradients on the GPU equal the float64 executor', () => {
  for (const [id, raw] of CASES) {
    it(`${id} ${JSON.stringify(raw)}`, async () => {
      const rt = await testRuntime();
      const method = methodById(id);
      const params = { ...defaultParams(method), ...resolveMethodParams({ method: id, params: raw }) };
      const nets: Record<string, TestNet> = {};
      Object.keys(method.networks).forEach((name, k) => (nets[name] = testNet(`${name}.`, 200 + k)));
      const feeds: Record<string, Float64Array> = {};
      for (const [k, v] of Object.entries({
        ...Object.assign({}, ...Object.values(nets).map((n) => n.feeds)),
      })) {
        feeds[k] = f32(v as Float64Array);
      }
      const stage = method.stages[method.stages.length - 1];
      const groups = [stage.main, ...(stage.extra ?? [])] as OptimizerGroup<unknown>[];
      const outputs: Record<string, Tensor> = {};
      groups.forEach((group, g) => {
        const ctx = lossContext({
          params,
          batch: 64,
          nets: Object.fromEntries(Object.entries(nets).map(([k, n]) => [k, n.fn])),
          teacher: method.needsTeacher(params) ? eightGaussiansTeacher : null,
          data: (stage.usesData ?? method.usesData) ? '8gaussians' : null,
          firstStream: 1 + 100 * g, // each group draws its own streams, as the trainer does
        });
        const loss = group.buildLoss(ctx);
        outputs[`${group.name} loss`] = loss.total;
        for (const [k, t] of Object.entries(loss.terms)) outputs[`${group.name} ${k}`] = t;
        const wrt = group.trains.flatMap((n) => nets[n].params);
        grad(loss.total, wrt).forEach((gt, i) => (outputs[`${group.name} grad ${i}`] = gt));
      });
      const names = Object.keys(outputs);
      const step = compileStep({ outputs, feeds }, rt, { seed: SEED, step: STEP });
      step.run();
      const cpu = run(
        names.map((n) => outputs[n]),
        feeds,
      );
      for (let i = 0; i < names.length; i++) {
        const gpu = await step.read(names[i]);
        const err = worst(gpu, cpu[i]);
        expect(err, `${id} ${names[i]}: worst error ${err}`).toBeLessThan(2e-3);
      }
      step.destroy();
    });
  }
});
