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
        process.stderr.write(
          `${s.stage} ${s.step}/${total} steps, ${s.stepsPerSecond.toFixed(1)} steps/s, loss ${fmtLoss(s)}\n`,
        );
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: '{stage} [{bar}] {value}/{total} | {sps} steps/s | loss {loss}',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { stage: 'start', sps: '-', loss: '-' });
  return {
    update: (s) =>
      Object.keys(s.losses).length > 0 &&
      bar.update(s.step, { stage: s.stage.padEnd(7), sps: s.stepsPerSecond.toFixed(1), loss: fmtLoss(s) }),
    stop: () => bar.stop(),
  };
}

function fmtLoss(s: StepSummary): string {
  const v = s.losses.loss;
  return v === undefined ? '-' : v.toPrecision(4);
}
