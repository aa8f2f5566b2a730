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
import { UsageError } from './errors.ts';
import { cfgSummaryLine, readCfgSummary } from './output/cfgSummary.ts';

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
  depth: 4,
  batch: 256,
  steps: 6000,
  teacherSteps: 6000,
  lr: 2e-3,
  ema: 0.99,
  samples: 32768,
};

/**
 * A row of the table: a method with its hyperparameters. Every method runs with its official
 * defaults (src/methods); MeanFlow also runs with the 2-D recipe, because its official ImageNet
 * settings do not give good one-step samples on 2-D data (docs/methods.md says why).
 */
export interface Recipe {
  id: string;
  method: string;
  params: Record<string, number | string | boolean>;
  note: string;
}

export const RESULT_RECIPES: Recipe[] = [
  { id: 'fm', method: 'fm', params: {}, note: 'the teacher: 1 to 8 Euler steps, and 100 Heun steps' },
  {
    id: 'meanflow',
    method: 'meanflow',
    params: {},
    note: 'official ImageNet settings: logit-normal(-0.4, 1) times, 75 % r = t, adaptive weight p = 1',
  },
  {
    id: 'meanflow-2d',
    method: 'meanflow',
    params: { adaptiveP: 0, timeDist: 'uniform', ratioEqual: 0.25 },
    note: 'the 2-D recipe: plain squared error (p = 0), uniform times, 25 % r = t',
  },
  { id: 'tvm', method: 'tvm', params: {}, note: 'official sampler, EMA target and optimiser' },
  {
    id: 'flowmap',
    method: 'flowmap',
    params: { variant: 'trajectory', teacherSteps: 4 },
    note: "trajectory distillation of the trained teacher's ODE (4 Heun steps per target)",
  },
  {
    id: 'freeflow',
    method: 'freeflow',
    params: {},
    note: 'data-free: predictor + corrector from the trained teacher',
  },
  {
    id: 'dmd2',
    method: 'dmd',
    params: { variant: 'dmd2' },
    note: 'one-step DMD2: normalised x0-space gradient, 5 fake-net updates per generator step, no GAN term',
  },
  {
    id: 'dmd',
    method: 'dmd',
    params: { variant: 'dmd' },
    note: "DMD: the same plus the paired-noise regression to the teacher's ODE output (weight 0.25)",
  },
  { id: 'vsd', method: 'dmd', params: { variant: 'vsd' }, note: 'VSD: the eps-space difference, unweighted' },
  {
    id: 'tmd-1',
    method: 'tmd',
    params: { outerSteps: 1 },
    note: 'TMD, 1 outer x 2 inner steps: head pretraining (MeanFlow, 2000 steps), then DMD2 of the unrolled sampler',
  },
  { id: 'tmd-2', method: 'tmd', params: { outerSteps: 2 }, note: 'TMD, 2 outer x 2 inner steps' },
  { id: 'tmd-4', method: 'tmd', params: { outerSteps: 4 }, note: 'TMD, 4 outer x 2 inner steps' },
];

export function recipeById(id: string): Recipe {
  const r = RESULT_RECIPES.find((x) => x.id === id);
  if (!r)
    throw new UsageError(
      `no results recipe "${id}"; choose from ${RESULT_RECIPES.map((x) => x.id).join(', ')}`,
    );
  return r;
}

/** The experiment of one recipe on one dataset at the budget. */
export function resultConfig(
  recipe: Recipe | string,
  dataset: string,
  budget: Budget = BUDGET,
): ExperimentConfig {
  const r = typeof recipe === 'string' ? recipeById(recipe) : recipe;
  const base: ExperimentInput = {
    method: r.method as ExperimentInput['method'],
    dataset: dataset as ExperimentInput['dataset'],
    seed: 1,
    net: { width: budget.width, depth: budget.depth, act: 'silu', time: 'raw' },
    train: { steps: budget.steps, batch: budget.batch, lr: budget.lr, ema: budget.ema },
    teacher: { source: 'train', steps: budget.teacherSteps, solver: 'heun', solverSteps: 100 },
    params: { ...r.params },
  };
  return resolveExperiment(base);
}

export interface ResultRow {
  recipe: string;
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
  recipe: Recipe,
  dataset: string,
  budget: Budget,
  dir: string,
  log: (s: string) => void,
): Promise<ResultRow> {
  const id = recipe.id;
  const config = resultConfig(recipe, dataset, budget);
  const session = await createSession(gpu, config, { method: methodById(recipe.method), runtime: rt });
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
            `  ${id} on ${dataset}: ${s.stage} step ${s.step}/${session.totalSteps}, ${rate.toFixed(1)} steps/s`,
          );
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const ev = await session.evaluate(budget.samples, RESULT_NFES, true);
    const picture = `${id}-${dataset}.png`;
    const panels: ScatterPanel[] = [{ title: 'data', points: ev.data, color: DATA_COLOR }];
    for (const [label, pts] of ev.sets)
      panels.push({
        title: label === 'teacher' ? 'teacher' : `NFE ${label}`,
        points: pts.subarray(0, 2 * 3000),
      });
    writeFileSync(join(dir, picture), scatterPng(panels, { box: datasetInfo(dataset).box, size: 200 }));
    const stages = session.plan.map((p) => `${p.stage.name} ${p.steps}`).join(' + ');
    log(
      `${id} on ${dataset}: ${stages} steps in ${seconds.toFixed(0)} s; 1-NFE grid TV ${fmtNum(ev.report.metrics.gridTv['1'])}`,
    );
    return {
      recipe: id,
      method: recipe.method,
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
  cfgSummary?: string,
): string {
  const out: string[] = [
    '# Results',
    '',
    cfgSummaryLine(cfgSummary),
    '',
    'Made by one command, `npx flowmap-lab results` (writes this page and the pictures in docs/results/).',
    `Adapter: ${adapter}. Whole table: ${minutes.toFixed(1)} minutes.`,
    '',
    'Meta Flow Maps (posterior samples and reward guidance) have a page of their own, [results-mfm.md](results-mfm.md),',
    'made by `npx flowmap-lab results --suite reward`.',
    '',
    `Budget, the same for every method: MLP ${budget.depth} x ${budget.width} SiLU with raw time inputs, batch ${budget.batch}, Adam lr ${budget.lr}, ` +
      `${budget.steps} steps (a distillation method first trains its Flow Matching teacher for ${budget.teacherSteps} steps), EMA ${budget.ema} for sampling, ` +
      'seed 1, each recipe below. Metrics on ' +
      `${budget.samples} samples from fresh noise against ${budget.samples} fresh data samples; the floor is the same metric between two fresh data sets of that size ` +
      '(the grid has 64 x 64 cells over the plot box, so it takes this many samples for the floor to sit well below the differences between methods). ' +
      "NFE k is k sampler steps (k Euler steps for FM); 'teacher' is the teacher's velocity (FM: the model itself) with 100 Heun steps.",
    '',
    '## One-step quality at a glance (grid TV, lower is better)',
    '',
  ];
  const at = (recipe: string, d: string) => rows.find((r) => r.recipe === recipe && r.dataset === d);
  const fm1 = (d: string) => at('fm', d)?.report.metrics.gridTv['1'];
  // Each cell: the 1-NFE grid TV and, after the slash, the same method's sampler at 100 steps (the
  // teacher's ODE; for a distilled student, the ODE of the teacher it learned from).
  const glance = [
    [
      'recipe',
      ...RESULT_DATASETS.map((d) => `${d} NFE 1 / teacher`),
      'NFE 1 at most half of FM 1 Euler step',
    ],
  ];
  for (const id of [...new Set(rows.map((r) => r.recipe))]) {
    const cells = RESULT_DATASETS.map((d) => at(id, d)?.report.metrics.gridTv);
    const half = RESULT_DATASETS.map((d, i) => {
      const one = cells[i]?.['1'];
      const ref = fm1(d);
      return one !== undefined && ref !== undefined && one <= ref / 2;
    });
    const ran = RESULT_DATASETS.filter((_, i) => cells[i] !== undefined);
    const verdict = RESULT_DATASETS.every((_, i) => half[i])
      ? 'yes, on all three'
      : half.some(Boolean)
        ? `on ${RESULT_DATASETS.filter((_, i) => half[i]).join(', ')} only`
        : ran.length
          ? 'no'
          : '';
    glance.push([
      id,
      ...cells.map((c) => (c ? `${fmtNum(c['1'])} / ${fmtNum(c.teacher)}` : '-')),
      id === 'fm' ? '(the reference)' : verdict,
    ]);
  }
  const floors = RESULT_DATASETS.map((d) => fmtNum(rows.find((r) => r.dataset === d)?.report.floor.gridTv));
  glance.push(['data floor', ...floors, '']);
  out.push(markdownTable(glance), '');
  out.push('Recipes:', '');
  for (const id of [...new Set(rows.map((r) => r.recipe))]) out.push(`- \`${id}\`: ${recipeById(id).note}.`);
  out.push('');
  for (const d of RESULT_DATASETS) {
    if (!rows.some((x) => x.dataset === d)) continue;
    out.push(`## ${datasetInfo(d).title}`, '');
    for (const r of rows.filter((x) => x.dataset === d)) {
      out.push(
        `### ${r.recipe} (${r.stages} steps; ${r.stepsPerSecond.toFixed(1)} steps/s, ${r.dispatchesPerStep} dispatches per step, ${r.seconds.toFixed(0)} s)`,
        '',
        markdownTable(reportRows(r.report)),
        '',
        `![${r.recipe} on ${d}](results/${r.picture})`,
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
  // --methods names recipes or methods: "meanflow" alone keeps both MeanFlow recipes.
  const recipes = opts.methods
    ? RESULT_RECIPES.filter((r) => opts.methods!.includes(r.id) || opts.methods!.includes(r.method))
    : RESULT_RECIPES;
  const unknown = (opts.methods ?? []).filter(
    (m) => !RESULT_RECIPES.some((r) => r.id === m || r.method === m),
  );
  if (unknown.length)
    throw new UsageError(
      `unknown recipe or method ${unknown.join(', ')}; choose from ${RESULT_RECIPES.map((r) => r.id).join(', ')}`,
    );
  const picDir = join(opts.out, 'results');
  mkdirSync(picDir, { recursive: true });
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  const t0 = performance.now();
  const rows: ResultRow[] = [];
  const rt = new Runtime(gpu);
  try {
    for (const d of opts.datasets ?? RESULT_DATASETS) {
      for (const recipe of recipes) {
        rows.push(await runOne(gpu, rt, recipe, d, budget, picDir, (s) => console.error(s)));
        const minutes = (performance.now() - t0) / 60000;
        const md = resultsMarkdown(rows, gpu.adapter.line, minutes, budget, readCfgSummary(opts.out));
        writeFileSync(join(opts.out, 'results.md'), md + '\n'); // written after every run: a partial table survives an interruption
      }
    }
  } finally {
    gpu.destroy();
  }
  console.error(`Wrote ${join(opts.out, 'results.md')} and ${rows.length} pictures in ${picDir}`);
  return 0;
}
