/** `flowmap-lab train`: run every stage with a progress bar, then score, print and write the outputs. */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { acquireGpu } from '../../engine/index.ts';
import { methodById } from '../../methods/index.ts';
import { drive } from '../../train/drive.ts';
import { DivergedError } from '../../train/errors.ts';
import { parameterShapes } from '../../train/parameters.ts';
import { datasetOf } from '../../train/config.ts';
import { createSession } from '../../train/trainSession.ts';
import type { StepSummary } from '../../train/session.ts';
import { metricsJson, writeCheckpoint, writeSamples } from '../artifacts.ts';
import { resolveConfig, type ConfigFlags } from '../configSource.ts';
import { EXIT_FAILED } from '../errors.ts';
import { reportRows, textTable } from '../output/table.ts';
import { progressBar } from '../progress.ts';
import { writeFileSync } from 'node:fs';

export interface TrainFlags extends ConfigFlags {
  out: string;
  samples: number;
  nfe: number[];
  quiet?: boolean;
}

export const CSV_NFES = [1, 2, 4];

export async function trainCommand(flags: TrainFlags): Promise<number> {
  const { config, source, warnings } = resolveConfig(flags);
  for (const w of warnings) console.error(`ignored from the link: ${w}`);
  const method = methodById(config.method);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const session = await createSession(gpu, config, { method });
  try {
    mkdirSync(flags.out, { recursive: true });
    console.error(
      `${method.title} on ${config.dataset} (${source}): ${session.plan.map((p) => `${p.stage.name} ${p.steps} steps`).join(', then ')}; ${session.dispatchesPerStep} dispatches per step`,
    );
    const bar = progressBar(session.totalSteps, flags.quiet);
    const t0 = performance.now();
    let last: StepSummary | undefined;
    let first: { t: number; step: number } | undefined; // the first read-back includes the shaders' compilation
    try {
      last = await drive(session, {
        until: session.totalSteps,
        onSummary: (s) => {
          first ??= { t: performance.now(), step: s.step };
          bar.update(s);
        },
      });
    } catch (e) {
      bar.stop();
      if (!(e instanceof DivergedError)) throw e;
      const params = await session.parameters();
      const path = join(flags.out, 'checkpoint.safetensors');
      writeCheckpoint(path, params, parameterShapes(method, config), config, {
        step: String(session.lastGoodStep),
        diverged: 'true',
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
    console.log(textTable(reportRows(ev.report)));
    const params = await session.parameters();
    writeCheckpoint(
      join(flags.out, 'checkpoint.safetensors'),
      params,
      parameterShapes(method, config),
      config,
      {
        step: String(session.totalSteps),
        method: method.id,
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
        report: ev.report,
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
