/** The training progress bar (cli-progress, on stderr): stage, steps, steps/s and the current loss. */
import cliProgress from 'cli-progress';
import type { StepSummary } from '../train/session.ts';

export interface Progress {
  update(s: StepSummary): void;
  stop(): void;
}

export function progressBar(total: number, quiet = false): Progress {
  if (quiet) return { update: () => {}, stop: () => {} };
  if (!process.stderr.isTTY) {
    // no terminal: one line every few seconds
    let last = 0;
    return {
      update(s) {
        if (Object.keys(s.losses).length === 0) return;
        const now = performance.now();
        if (now - last < 5000 && s.step < total) return;
        last = now;
        process.stderr.write(`${s.stage} ${s.step}/${total} steps, ${fmtRate(s)}, loss ${fmtLoss(s)}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} [{bar}] {value}/{total} | {sps} | loss {loss}',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { stage: 'start', sps: 'compiling', loss: '-' });
  return {
    update: (s) =>
      Object.keys(s.losses).length > 0 &&
      bar.update(s.step, { stage: s.stage.padEnd(7), sps: fmtRate(s), loss: fmtLoss(s) }),
    stop: () => bar.stop(),
  };
}

/** Steps per second once two read-backs have measured it; before that the first steps wait for compilation. */
export function fmtRate(s: StepSummary): string {
  return s.stepsPerSecond > 0 && Number.isFinite(s.stepsPerSecond)
    ? `${s.stepsPerSecond.toFixed(1)} steps/s`
    : 'rate not measured yet (first steps wait for kernel compilation)';
}

/** "compiling N kernels..." on stderr while a program's kernels are built (nothing with --quiet). */
export function compileNotice(quiet = false): ((kernels: number) => void) | undefined {
  if (quiet) return undefined;
  return (n) => {
    if (n > 0) process.stderr.write(`compiling ${n} kernel${n === 1 ? '' : 's'}...\n`);
  };
}

function fmtLoss(s: StepSummary): string {
  const v = s.losses.loss;
  return v === undefined ? '-' : v.toPrecision(4);
}
