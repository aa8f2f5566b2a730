/**
 * `flowmap-lab results`: the results table of docs/results.md, made by one command. Every method on
 * 8 gaussians, two moons and checkerboard at the budget stated in the page: each metric at each NFE, the
 * teacher's ODE, the data-vs-data floor, steps/s and a picture of the samples.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInfo } from '../data/index.ts';
import { acquireGpu, type GpuContext } from '../engine/index.ts';
import { Runtime } from '../engine/runtime.ts';
import { methodById } from '../methods/index.ts';
import { resolveExperiment, type ExperimentConfig, type ExperimentInput } from '../train/config.ts';
import { drive } from '../train/drive.ts';
import type { QualityReport } from '../train/session.ts';
import { createSession } from '../train/trainSession.ts';
import { DATA_COLOR, scatterPng, type ScatterPanel } from './output/scatterPng.ts';
import { fmtNum, markdownTable, reportRows } from './output/table.ts';

export const RESULT_DATASETS = ['8gaussians', 'moons', 'checkerboard'] as const;
export const RESULT_NFES = [1, 2, 4, 8];

/** A budget: one network size, batch and step count for every method. */
export interface Budget {
  width: number;
  depth: number;
  batch: number;
  steps: number;
  teacherSteps: number;
  lr: number;
  ema: number;
  samples: number;
}

/** The stated budget of docs/results.md (each field can be overridden on the command line). */
export const BUDGET: Budget = {
  width: 64,
  depth: 3,
  batch: 256,
  steps: 3000,
  teacherSteps: 3000,
  lr: 2e-3,
  ema: 0.99,
  samples: 4096,
};

/** Each method's recipe at the budget (official hyperparameters from the method's defaults). */
export function resultConfig(method: string, dataset: string, budget: Budget = BUDGET): ExperimentConfig {
  const base: ExperimentInput = {
    method: method as ExperimentInput['method'],
    dataset: dataset as ExperimentInput['dataset'],
    seed: 1,
    net: { width: budget.width, depth: budget.depth, act: 'silu', time: 'raw' },
    train: { steps: budget.steps, batch: budget.batch, lr: budget.lr, ema: budget.ema },
    teacher: { source: 'train', steps: budget.teacherSteps, solver: 'heun', solverSteps: 100 },
  };
  if (method === 'flowmap') base.params = { variant: 'trajectory', teacherSteps: 4 };
  return resolveExperiment(base);
}

export interface ResultRow {
  method: string;
  dataset: string;
  config: ExperimentConfig;
  report: QualityReport;
  stepsPerSecond: number;
  seconds: number;
  dispatchesPerStep: number;
  stages: string;
  picture: string;
}

async function runOne(
  gpu: GpuContext,
  rt: Runtime,
  method: string,
  dataset: string,
  budget: Budget,
  dir: string,
  log: (s: string) => void,
): Promise<ResultRow> {
  const config = resultConfig(method, dataset, budget);
  const session = await createSession(gpu, config, { method: methodById(method), runtime: rt });
  try {
    const t0 = performance.now();
    let rate = 0;
    let said = performance.now();
    await drive(session, {
      until: session.totalSteps,
      onSummary: (s) => {
        rate = s.stepsPerSecond || rate;
        if (performance.now() - said > 30_000) {
          said = performance.now();
          log(
            `  ${method} on ${dataset}: ${s.stage} step ${s.step}/${session.totalSteps}, ${rate.toFixed(1)} steps/s`,
          );
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const ev = await session.evaluate(budget.samples, RESULT_NFES, true);
    const picture = `${method}-${dataset}.png`;
    const panels: ScatterPanel[] = [{ title: 'data', points: ev.data, color: DATA_COLOR }];
    for (const [label, pts] of ev.sets)
      panels.push({
        title: label === 'teacher' ? 'teacher' : `NFE ${label}`,
        points: pts.subarray(0, 2 * 3000),
      });
    writeFileSync(join(dir, picture), scatterPng(panels, { box: datasetInfo(dataset).box, size: 200 }));
    const stages = session.plan.map((p) => `${p.stage.name} ${p.steps}`).join(' + ');
    log(
      `${method} on ${dataset}: ${stages} steps in ${seconds.toFixed(0)} s; 1-NFE grid TV ${fmtNum(ev.report.metrics.gridTv['1'])}`,
    );
    return {
      method,
      dataset,
      config,
      report: ev.report,
      stepsPerSecond: rate,
      seconds,
      dispatchesPerStep: session.dispatchesPerStep,
      stages,
      picture,
    };
  } finally {
    session.dispose();
  }
}

export function resultsMarkdown(
  rows: ResultRow[],
  adapter: string,
  minutes: number,
  budget: Budget = BUDGET,
): string {
  const BUDGET = budget;
  const out: string[] = [
    '# Results',
    '',
    'Made by one command, `npx flowmap-lab results` (writes this page and the pictures in docs/results/).',
    `Adapter: ${adapter}. Whole table: ${minutes.toFixed(1)} minutes.`,
    '',
    `Budget, the same for every method: MLP ${BUDGET.depth} x ${BUDGET.width} SiLU with raw time inputs, batch ${BUDGET.batch}, Adam lr ${BUDGET.lr}, ` +
      `${BUDGET.steps} steps (a distillation method first trains its Flow Matching teacher for ${BUDGET.teacherSteps} steps), EMA ${BUDGET.ema} for sampling, ` +
      "seed 1, each method's official hyperparameters (src/methods). Metrics on " +
      `${BUDGET.samples} samples from fresh noise against ${BUDGET.samples} fresh data samples; the floor is the same metric between two fresh data sets of that size. ` +
      "NFE k is k sampler steps (k Euler steps for FM); 'teacher' is the teacher's velocity (FM: the model itself) with 100 Heun steps.",
    '',
    '## One-step quality at a glance (grid TV, lower is better)',
    '',
  ];
  const fm1 = (d: string) =>
    rows.find((r) => r.method === 'fm' && r.dataset === d)?.report.metrics.gridTv['1'];
  // Each cell: the 1-NFE grid TV, marked with whether it is at most half of FM's one Euler step there.
  const glance = [['method', ...RESULT_DATASETS.map((d) => `${d} NFE 1`), 'at most half of FM 1 Euler step']];
  for (const m of [...new Set(rows.map((r) => r.method))]) {
    const cells = RESULT_DATASETS.map(
      (d) => rows.find((r) => r.method === m && r.dataset === d)?.report.metrics.gridTv['1'],
    );
    const half = RESULT_DATASETS.map(
      (d, i) => cells[i] !== undefined && fm1(d) !== undefined && cells[i]! <= fm1(d)! / 2,
    );
    const verdict = half.every(Boolean)
      ? 'on all three'
      : half.some(Boolean)
        ? `on ${RESULT_DATASETS.filter((_, i) => half[i]).join(', ')}`
        : 'on none';
    glance.push([m, ...cells.map(fmtNum), m === 'fm' ? '(the reference)' : verdict]);
  }
  const floors = RESULT_DATASETS.map((d) => fmtNum(rows.find((r) => r.dataset === d)?.report.floor.gridTv));
  glance.push(['data floor', ...floors, '']);
  out.push(markdownTable(glance), '');
  for (const d of RESULT_DATASETS) {
    out.push(`## ${datasetInfo(d).title}`, '');
    for (const r of rows.filter((x) => x.dataset === d)) {
      out.push(
        `### ${r.method} (${r.stages} steps; ${r.stepsPerSecond.toFixed(1)} steps/s, ${r.dispatchesPerStep} dispatches per step, ${r.seconds.toFixed(0)} s)`,
        '',
        markdownTable(reportRows(r.report)),
        '',
        `![${r.method} on ${d}](results/${r.picture})`,
        '',
      );
    }
  }
  return out.join('\n');
}

export async function resultsCommand(opts: {
  out: string;
  methods?: string[];
  datasets?: string[];
  budget?: Partial<Budget>;
}): Promise<number> {
  const budget: Budget = { ...BUDGET, ...opts.budget };
  const picDir = join(opts.out, 'results');
  mkdirSync(picDir, { recursive: true });
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const t0 = performance.now();
  const rows: ResultRow[] = [];
  const rt = new Runtime(gpu);
  try {
    for (const d of opts.datasets ?? RESULT_DATASETS) {
      for (const m of opts.methods ?? ['fm', 'meanflow', 'tvm', 'flowmap', 'freeflow']) {
        rows.push(await runOne(gpu, rt, m, d, budget, picDir, (s) => console.error(s)));
        const md = resultsMarkdown(rows, gpu.adapter.line, (performance.now() - t0) / 60000, budget);
        writeFileSync(join(opts.out, 'results.md'), md + '\n'); // written after every run: a partial table survives an interruption
      }
    }
  } finally {
    gpu.destroy();
  }
  console.error(`Wrote ${join(opts.out, 'results.md')} and ${rows.length} pictures in ${picDir}`);
  return 0;
}
