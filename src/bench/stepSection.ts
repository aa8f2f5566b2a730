/**
 * "step": a MeanFlow training step (JVP, loss, backward, AdamW, data and noise drawn on the device) of
 * a 3 x 256 SiLU flowNet at batch 1024, compiled into one command buffer, against the same step
 * compiled naively (one dispatch per primitive) and compiled without GATE_A (the gate product
 * materialized: on CPU drivers the engine's direct-load matmul evaluates act' per operand load).
 * The variants are timed in turns (one submit each per round, median over rounds), so a change of
 * machine load during the run hits all of them alike. Figures: dispatches and readbacks per step,
 * bytes, steps/s, and the ratios to the naive step.
 */
import { compileStep, type CompileOptions } from '../autodiff/compile.ts';
import type { Runtime } from '../engine/runtime.ts';
import { meanFlowStep, type StepConfig } from './stepGraphs.ts';
import { calibrate, median, timeDispatches } from './timing.ts';
import type { BenchOptions, BenchRecord, BenchSection } from './types.ts';

export const STEP_BENCH: StepConfig = {
  batch: 1024,
  width: 256,
  depth: 3,
  act: 'silu',
  data: 'checkerboard',
};

const VARIANTS: Record<string, CompileOptions> = {
  'compiled, GATE_A': { gateOnLoad: true },
  'compiled, no GATE_A': { gateOnLoad: false },
  naive: { naive: true },
};

export const stepSection: BenchSection = {
  name: 'step',
  async run(rt: Runtime, opts: BenchOptions): Promise<BenchRecord[]> {
    const cfg = opts.quick ? { ...STEP_BENCH, batch: 256 } : STEP_BENCH;
    const shape = `MeanFlow ${cfg.depth}x${cfg.width} ${cfg.act} B=${cfg.batch} +AdamW`;
    const adapter = rt.ctx.adapter.line;
    const g = meanFlowStep(cfg);
    const names = Object.keys(VARIANTS);
    const steps = names.map((v) => compileStep(g.spec, rt, { seed: 1, ...VARIANTS[v] }));
    await rt.ready();
    const inner = await Promise.all(
      steps.map((s) => calibrate(rt, s.dispatches, opts.quick ? 200 : 500, 50)),
    );
    const times: number[][] = names.map(() => []);
    for (let round = 0; round < (opts.quick ? 3 : 7); round++) {
      for (let i = 0; i < steps.length; i++) {
        times[i].push(await timeDispatches(rt, steps[i].dispatches, { warmup: 0, reps: 1, inner: inner[i] }));
      }
    }
    const records: BenchRecord[] = [];
    const rate = times.map((t) => 1000 / median(t));
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const loss = (await step.read('loss'))[0];
      opts.log(
        `  ${names[i].padEnd(20)} ${String(step.dispatchesPerStep).padStart(3)} dispatches/step, 0 readbacks/step, ` +
          `${(step.bytesAllocated / 2 ** 20).toFixed(1)} MiB, ${rate[i].toFixed(2)} steps/s (loss ${loss.toFixed(4)})`,
      );
      const rec = (variant: string, value: number, unit: string) =>
        records.push({
          name: 'training step',
          variant: `${names[i]} ${variant}`,
          shape,
          value,
          unit,
          adapter,
        });
      rec('dispatches', step.dispatchesPerStep, 'dispatches/step');
      rec('readbacks', 0, 'readbacks/step');
      rec('memory', step.bytesAllocated, 'bytes');
      rec('speed', rate[i], 'steps/s');
    }
    const naive = rate[names.indexOf('naive')];
    for (let i = 0; i < steps.length; i++) {
      if (names[i] === 'naive') continue;
      opts.log(`  ${names[i]} / naive: ${(rate[i] / naive).toFixed(2)}x`);
      records.push({
        name: 'training step',
        variant: `${names[i]}/naive speed`,
        shape,
        value: rate[i] / naive,
        unit: 'x',
        adapter,
      });
    }
    steps.forEach((s) => s.destroy());
    return records;
  },
};
