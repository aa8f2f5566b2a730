/**
 * GPU timing without timestamp queries: record `inner` copies of the dispatches in one command buffer,
 * submit, await queue.onSubmittedWorkDone, and take the median over `reps` after `warmup` runs.
 */
import { encodeDispatches, type Dispatch, type Runtime } from '../engine/runtime.ts';

export interface TimingOptions {
  warmup?: number;
  reps?: number;
  /** Copies of the dispatch list per submit (amortises the submit and the wait). */
  inner?: number;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const h = Math.floor(s.length / 2);
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};

async function runOnce(rt: Runtime, ds: readonly Dispatch[], inner: number): Promise<number> {
  const enc = rt.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let i = 0; i < inner; i++) encodeDispatches(pass, ds);
  pass.end();
  const t0 = performance.now();
  rt.device.queue.submit([enc.finish()]);
  await rt.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** Median milliseconds for ONE pass over `ds` (the list, not each dispatch). */
export async function timeDispatches(
  rt: Runtime,
  ds: readonly Dispatch[],
  opts: TimingOptions = {},
): Promise<number> {
  const { warmup = 2, reps = 5, inner = 1 } = opts;
  await rt.ready();
  for (let i = 0; i < warmup; i++) await runOnce(rt, ds, inner);
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push((await runOnce(rt, ds, inner)) / inner);
  return median(times);
}

/** Picks `inner` so that one submit runs about `targetMs`, from a single timed run. */
export async function calibrate(
  rt: Runtime,
  ds: readonly Dispatch[],
  targetMs = 50,
  maxInner = 200,
): Promise<number> {
  await rt.ready();
  await runOnce(rt, ds, 1);
  const once = await runOnce(rt, ds, 1);
  return Math.max(1, Math.min(maxInner, Math.round(targetMs / Math.max(once, 1e-3))));
}
