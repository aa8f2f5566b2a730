/**
 * Measures the generated code of compiled method steps (loss + gradients): dispatches per step, WGSL
 * bytes in all and of the largest kernel, and the time to compile (schedule, codegen, pipelines).
 *   node --import ./bin/register.js tests/compile/measureFusion.ts [batch] [width] [depth] [method...]
 * With RUN=1 it also runs one step (the pipelines compile then) and reports that time.
 */
import { compileStep } from '../../src/autodiff/compile.ts';
import { acquireGpu } from '../../src/engine/device.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { methodStep } from './methodStep.ts';

const [batch = '1024', width = '128', depth = '3', ...ids] = process.argv.slice(2);
const methods = ids.length ? ids : ['fm', 'flowmap', 'meanflow', 'tvm', 'freeflow'];
const rt = new Runtime(await acquireGpu());
for (const id of methods) {
  const spec = methodStep(id, {}, Number(batch), Number(width), Number(depth));
  const t0 = performance.now();
  const step = compileStep(spec, rt, { seed: 1 });
  const codegen = performance.now() - t0;
  let first = '';
  if (process.env.RUN) {
    step.run();
    await step.read(Object.keys(spec.outputs)[0]);
    first = `, first step (pipelines) ${((performance.now() - t0 - codegen) / 1000).toFixed(1)} s`;
  }
  const codes = [...step.generated.values()];
  const bytes = codes.reduce((s, c) => s + c.length, 0);
  const largest = Math.max(0, ...codes.map((c) => c.length));
  const lets = Math.max(0, ...codes.map((c) => (c.match(/\blet /g) ?? []).length));
  console.log(
    `${id}: ${step.dispatchesPerStep} dispatches, ${codes.length} generated kernels, WGSL ${bytes} B ` +
      `(largest ${largest} B, ${lets} lets; distinct labels only), codegen ${(codegen / 1000).toFixed(1)} s${first}`,
  );
  step.destroy();
}
process.exit(0);
