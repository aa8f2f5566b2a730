/**
 * Every method's loss, loss terms and parameter gradients compiled into one GPU step on the real
 * adapter, against the float64 executor on the same Philox batch (parameters rounded to f32 for both).
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { methodStep } from '../compile/methodStep.ts';
import { testGpu } from '../gpu.ts';
import { run, SEED, STEP } from './helpers.ts';

let runtime: Promise<Runtime> | undefined;
const testRuntime = () => (runtime ??= testGpu().then((ctx) => new Runtime(ctx)));

/** Worst |gpu - cpu| relative to the array's scale (max |cpu|, at least 1). */
function worst(gpu: ArrayLike<number>, cpu: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < cpu.length; i++) scale = Math.max(scale, Math.abs(cpu[i]));
  let w = 0;
  for (let i = 0; i < cpu.length; i++) w = Math.max(w, Math.abs(gpu[i] - cpu[i]) / scale);
  return w;
}

const CASES: [string, Record<string, unknown>, string?][] = [
  ['fm', {}],
  ['flowmap', { variant: 'lagrangianSelf' }],
  ['meanflow', {}],
  ['tvm', {}],
  ['freeflow', {}],
  ['dmd', {}],
  ['dmd', { variant: 'dmd', steps: 2, fakeUpdates: 1, teacherSteps: 2 }],
  ['dmd', { variant: 'vsd', timeShift: 3 }],
  ['tmd', {}, 'pretrain'],
  ['tmd', { headJvp: 'finiteDifference' }, 'pretrain'],
  ['tmd', { outerSteps: 2, innerSteps: 1, fakeUpdates: 1 }],
  ['mfm', {}], // the other consistency forms are checked on the float64 executor (methods.test.ts); each GPU case costs ~30 s of compiles
];

describe('method losses and gradients on the GPU equal the float64 executor', () => {
  for (const [id, raw, stage] of CASES) {
    it(`${id} ${JSON.stringify(raw)}${stage ? ` (${stage})` : ''}`, async () => {
      const rt = await testRuntime();
      const { outputs, feeds } = methodStep(id, raw, 64, 16, 2, stage);
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
