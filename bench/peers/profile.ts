/**
 * Where our step's time goes: each dispatch of the compiled step, timed alone (recorded `reps` times
 * in one pass, submitted, awaited), as a table sorted by share. Run with `bench:peers --profile`.
 * A dispatch alone runs on the inputs the step left behind, which is all its cost depends on.
 */
import { compileOurs } from './ours.ts';
import type { Batch, LinearWeights, StepKind } from './problem.ts';

export async function profileOurs(
  kind: StepKind,
  batch: Batch,
  weights: LinearWeights[],
  reps = 20,
): Promise<string> {
  const { compiled: step, rt } = await compileOurs(kind, batch, weights);
  const device = rt.device;
  try {
    step.run(1);
    await step.read('loss');
    const times: { label: string; ms: number; workgroups: string }[] = [];
    for (const d of step.dispatches) {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(...d.workgroups);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      times.push({ label: d.label, ms: (performance.now() - t0) / reps, workgroups: d.workgroups.join('x') });
    }
    const total = times.reduce((a, t) => a + t.ms, 0);
    const lines = [
      `our ${kind} step at batch ${batch.size}: ${times.length} dispatches, ${total.toFixed(3)} ms timed alone`,
    ];
    for (const t of [...times].sort((a, b) => b.ms - a.ms))
      lines.push(
        `  ${t.ms.toFixed(3).padStart(9)} ms ${((100 * t.ms) / total).toFixed(0).padStart(3)} %  ${t.label} [${t.workgroups}]`,
      );
    return lines.join('\n');
  } finally {
    step.destroy();
  }
}
