/** The fixed cost of a dispatch: many near-empty dispatches (the step counter) in one pass. */
import { stepCounterDispatch } from '../engine/kernels/random.ts';
import type { Runtime } from '../engine/runtime.ts';
import { timeDispatches } from './timing.ts';
import type { BenchOptions, BenchRecord, BenchSection } from './types.ts';

export const dispatchSection: BenchSection = {
  name: 'dispatch',
  async run(rt: Runtime, opts: BenchOptions): Promise<BenchRecord[]> {
    const step = rt.tensor(1);
    const d = stepCounterDispatch(rt, { step });
    const count = 500;
    const ms = await timeDispatches(rt, Array<typeof d>(count).fill(d), {
      warmup: 2,
      reps: opts.quick ? 3 : 7,
    });
    const us = (ms * 1e3) / count;
    const submit = await timeDispatches(rt, [d], { warmup: 3, reps: opts.quick ? 5 : 21 });
    opts.log(
      `  empty dispatch ${us.toFixed(2)} us each (${count} in one pass); one submit + wait ${(submit * 1e3).toFixed(0)} us`,
    );
    const adapter = rt.ctx.adapter.line;
    return [
      { name: 'empty dispatch', variant: `${count} per pass`, shape: '1', value: us, unit: 'us', adapter },
      {
        name: 'submit and wait',
        variant: 'one dispatch',
        shape: '1',
        value: submit * 1e3,
        unit: 'us',
        adapter,
      },
    ];
  },
};
