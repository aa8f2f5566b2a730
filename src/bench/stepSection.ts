/**
 * "training step": a MeanFlow step (JVP, loss, backward, AdamW, data and noise drawn on the device) of a
 * 3 x 256 SiLU flowNet at batch 1024, compiled into one command buffer, against the same step compiled
 * naively (one dispatch per primitive) in the same run. Figures: dispatches per step, readbacks per
 * step, arena bytes, steps/s of each, and the ratio.
 */
import { compileStep, type CompiledStep } from '../autodiff/compile.ts';
import type { Runtime } from '../engine/runtime.ts';
import { meanFlowStep, type StepConfig } from './stepGraphs.ts';
import { calibrate, timeDispatches } from './timing.ts';
import type { BenchOptions, BenchRecord, BenchSection } from './types.ts';

export const STEP_BENCH: StepConfig = {
  batch: 1024,
  width: 256,
  depth: 3,
  act: 'silu',
  data: 'checkerboard',
};

async function stepsPerSecond(rt: Runtime, step: CompiledStep, quick: boolean): Promise<number> {
  const inner = await calibrate(rt, step.dispatches, quick ? 200 : 1000, 50);
  const ms = await timeDispatches(rt, step.dispatches, { warmup: 1, reps: quick ? 3 : 5, inner });
  return 1000 / ms;
}

export const stepSection: BenchSection = {
  name: 'step',
  async run(rt: Runtime, opts: BenchOptions): Promise<BenchRecord[]> {
    const cfg = opts.quick ? { ...STEP_BENCH, batch: 256 } : STEP_BENCH;
    const shape = `MeanFlow ${cfg.depth}x${cfg.width} ${cfg.act} B=${cfg.batch} +AdamW`;
    const adapter = rt.ctx.adapter.line;
    const g = meanFlowStep(cfg);
    const records: BenchRecord[] = [];
    const rate: Record<string, number> = {};
    for (const variant of ['compiled', 'naive'] as const) {
      const step = compileStep(g.spec, rt, { seed: 1, naive: variant === 'naive' });
      await rt.ready();
      rate[variant] = await stepsPerSecond(rt, step, opts.quick);
      const loss = (await step.read('loss'))[0];
      opts.log(
        `  ${variant.padEnd(8)} ${String(step.dispatchesPerStep).padStart(3)} dispatches/step, 0 readbacks/step, ` +
          `${(step.bytesAllocated / 2 ** 20).toFixed(1)} MiB, ${rate[variant].toFixed(2)} steps/s (loss ${loss.toFixed(4)})`,
      );
      records.push(
        {
          name: 'training step',
          variant: `${variant} dispatches`,
          shape,
          value: step.dispatchesPerStep,
          unit: 'dispatches/step',
          adapter,
        },
        {
          name: 'training step',
          variant: `${variant} readbacks`,
          shape,
          value: 0,
          unit: 'readbacks/step',
          adapter,
        },
        {
          name: 'training step',
          variant: `${variant} memory`,
          shape,
          value: step.bytesAllocated,
          unit: 'bytes',
          adapter,
        },
        {
          name: 'training step',
          variant: `${variant} speed`,
          shape,
          value: rate[variant],
          unit: 'steps/s',
          adapter,
        },
      );
      step.destroy();
    }
    const ratio = rate.compiled / rate.naive;
    opts.log(`  compiled / naive: ${ratio.toFixed(2)}x`);
    records.push({
      name: 'training step',
      variant: 'compiled/naive speed',
      shape,
      value: ratio,
      unit: 'x',
      adapter,
    });
    return records;
  },
};
