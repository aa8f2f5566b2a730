/** `flowmap-lab train`: run every stage with a progress bar, then score, print and write the outputs. */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { acquireGpu, DeviceLostError } from '../../engine/index.ts';
import { methodById, type Method } from '../../methods/index.ts';
import type { ExperimentConfig } from '../../train/config.ts';
import { drive } from '../../train/drive.ts';
import { DivergedError } from '../../train/errors.ts';
import { parameterShapes } from '../../train/parameters.ts';
import { LossHistory } from '../../train/checkpoint/index.ts';
import { datasetOf } from '../../train/config.ts';
import { spread } from '../../train/floorSpread.ts';
import { createSession, type FlowSession } from '../../train/trainSession.ts';
import type { StepSummary } from '../../train/session.ts';
import { metricsJson, writeCheckpoint, writeSamples } from '../artifacts.ts';
import { resolveConfig, type ConfigFlags } from '../configSource.ts';
import { EXIT_FAILED } from '../errors.ts';
import { reportRows, textTable } from '../output/table.ts';
import { compileNotice, progressBar } from '../progress.ts';
import { Runtime } from '../../engine/runtime.ts';
import { writeFileSync } from 'node:fs';

export interface TrainFlags extends ConfigFlags {
  out: string;
  samples: number;
  nfe: number[];
  quiet?: boolean;
  /** Data-vs-data pairs whose smallest..largest floor the final table shows (0: none). */
  floorDraws?: number;
}

export const CSV_NFES = [1, 2, 4];

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const { config, source, warnings } = resolveConfig(flags);
  for (const w of warnings) console.error(`ignored from the link: ${w}`);
  const method = methodById(config.method);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const runtime = new Runtime(gpu);
  runtime.onCompile = compileNotice(flags.quiet);
  const session = await createSession(gpu, config, { method, runtime });
  try {
    mkdirSync(flags.out, { recursive: true });
    console.error(
      `${method.title} on ${config.dataset} (${source}): ${session.plan.map((p) => `${p.stage.name} ${p.steps} steps`).join(', then ')}; ${session.dispatchesPerStep} dispatches per step`,
    );
    const bar = progressBar(session.totalSteps, flags.quiet);
    const t0 = performance.now();
    let last: StepSummary | undefined;
    let first: { t: number; step: number } | undefined; // the first read-back includes the shaders' compilation
    const loseAt = loseDeviceAt();
    const history = new LossHistory(); // written into the checkpoint: the page plots how it was trained
    try {
      // a lost device rejects the drive even where a pending read would never settle
      const lost = gpu.lost.then((err) => Promise.reject(err));
      lost.catch(() => {});
      last = await Promise.race([
        drive(session, {
          until: session.totalSteps,
          onSummary: (s) => {
            first ??= { t: performance.now(), step: s.step };
            bar.update(s);
            history.add(s);
            if (loseAt !== undefined && s.step >= loseAt && session.snapshot) gpu.simulateLoss();
          },
        }),
        lost,
      ]);
    } catch (e) {
      bar.stop();
      if (gpu.isLost()) return deviceLost(e, session, flags.out, method, config);
      if (!(e instanceof DivergedError)) throw e;
      const params = await session.parameters();
      const path = join(flags.out, 'checkpoint.safetensors');
      writeCheckpoint(path, params, parameterShapes(method, config), config, {
        step: String(session.lastGoodStep),
        diverged: 'true',
        history: history.encode(),
      });
      console.error(`${e.message}\nThe last good parameters (step ${session.lastGoodStep}) are in ${path}.`);
      return EXIT_FAILED;
    }
    bar.stop();
    const seconds = (performance.now() - t0) / 1000;
    const steady =
      first && session.totalSteps > first.step
        ? (session.totalSteps - first.step) / ((performance.now() - first.t) / 1000)
        : session.totalSteps / seconds;
    const ev = await session.evaluate(flags.samples, flags.nfe, true);
    const report = spread(ev.report, config, flags.floorDraws);
    console.log(textTable(reportRows(report)));
    const params = await session.parameters();
    writeCheckpoint(
      join(flags.out, 'checkpoint.safetensors'),
      params,
      parameterShapes(method, config),
      config,
      {
        step: String(session.totalSteps),
        method: method.id,
        history: history.encode(),
      },
    );
    writeFileSync(
      join(flags.out, 'metrics.json'),
      metricsJson({
        config,
        source,
        adapter: gpu.adapter.line,
        steps: session.totalSteps,
        seconds,
        stepsPerSecond: steady,
        dispatchesPerStep: session.dispatchesPerStep,
        stages: session.plan.map((p) => ({ name: p.stage.name, steps: p.steps })),
        finalLosses: last?.losses ?? {},
        report,
      }),
    );
    const files = writeSamples(flags.out, datasetOf(config), ev.data, ev.sets, CSV_NFES);
    console.error(
      `${session.totalSteps} steps in ${seconds.toFixed(1)} s (${steady.toFixed(1)} steps/s after the first read-back). Wrote ${['checkpoint.safetensors', 'metrics.json', ...files].map((f) => join(flags.out, f)).join(', ')}`,
    );
    return 0;
  } finally {
    session.dispose();
    gpu.destroy();
  }
}

/**
 * Test hook: `FLOWMAP_DEBUG_LOSE_DEVICE_AT=N` destroys the device once training passes step N (and a parameter
 * snapshot exists), as a driver reset would, so that the lost-device path below can be tested.
 */
function loseDeviceAt(): number | undefined {
  const v = Number(process.env.FLOWMAP_DEBUG_LOSE_DEVICE_AT);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}

/** The device is gone: the last parameter snapshot (host memory) becomes the checkpoint; exit code 1. */
function deviceLost(
  e: unknown,
  session: FlowSession,
  out: string,
  method: Method,
  config: ExperimentConfig,
): number {
  const why = e instanceof DeviceLostError ? e.reason : e instanceof Error ? e.message : String(e);
  const snap = session.snapshot;
  if (!snap) {
    console.error(
      `The GPU device was lost (${why}) before a parameter snapshot existed: nothing to save; run again.`,
    );
    return EXIT_FAILED;
  }
  const path = join(out, 'checkpoint.safetensors');
  writeCheckpoint(path, new Map(Object.entries(snap.values)), parameterShapes(method, config), config, {
    step: String(snap.step),
    method: method.id,
    device_lost: 'true',
  });
  console.error(
    `The GPU device was lost (${why}) at step ${session.step}. The last parameter snapshot (step ${snap.step}) is in ${path}: score it with \`flowmap-lab eval --checkpoint ${path}\`, or run again.`,
  );
  return EXIT_FAILED;
}
