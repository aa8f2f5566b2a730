/**
 * Driving a session to the end of its plan, as the CLI and tests do (the web worker drives it frame by
 * frame instead). One chunk of steps is always queued ahead of the read-back being awaited, so the GPU
 * never idles while the host reads losses; the chunk size adapts so that a read-back lands every
 * `readEveryMs` (a few times per second), never once per step.
 */
import { DivergedError } from './errors.ts';
import type { StepSummary, TrainingSession } from './session.ts';

export interface DriveOptions {
  /** Total steps to reach (session.step counts across stages). */
  until: number;
  /** Target time between loss read-backs. */
  readEveryMs?: number;
  /** Largest number of steps in one submit. */
  maxChunk?: number;
  onSummary?: (s: StepSummary) => void;
  /** Checked between chunks; when aborted the drive stops early (no error). */
  signal?: AbortSignal;
}

/** Runs `session` to `until` steps; throws DivergedError (the session has kept its last good state). */
export async function drive(session: TrainingSession, opts: DriveOptions): Promise<StepSummary | undefined> {
  const readEvery = opts.readEveryMs ?? 300;
  const maxChunk = opts.maxChunk ?? 500;
  let chunk = 1;
  let last: StepSummary | undefined;
  const queue = (): number => {
    const k = Math.min(chunk, opts.until - session.step);
    if (k > 0) session.run(k);
    return k;
  };
  let queued = queue();
  while (queued > 0 && !opts.signal?.aborted) {
    const t0 = performance.now();
    const pending = session.summary();
    const ahead = queue();
    const s = await pending;
    last = s;
    opts.onSummary?.(s);
    if (s.diverged) throw new DivergedError(s.step, divergedTerms(s), session.config.method);
    const ms = performance.now() - t0;
    // grow the chunk while read-backs come faster than wanted; shrink it when they come much slower
    if (ms < readEvery / 2) chunk = Math.min(maxChunk, chunk * 2);
    else if (ms > readEvery * 2 && chunk > 1) chunk = Math.max(1, Math.floor(chunk / 2));
    queued = ahead;
  }
  if (!opts.signal?.aborted && session.step >= opts.until && (last?.step ?? -1) < opts.until) {
    const s = await session.summary();
    if (s.diverged) throw new DivergedError(s.step, divergedTerms(s), session.config.method);
    if (Object.keys(s.losses).length > 0) last = s;
    opts.onSummary?.(s);
  }
  return last;
}

const divergedTerms = (s: StepSummary) => {
  const bad = Object.entries(s.losses)
    .filter(([, v]) => !Number.isFinite(v))
    .map(([k]) => k);
  return bad.length ? bad : ['(unknown term)'];
};
