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
import { spread } from '../train/floorSpread.ts';
import type { QualityReport } from '../train/session.ts';
import { createSession } from '../train/trainSession.ts';
import { DATA_COLOR, scatterPng, type ScatterPanel } from './output/scatterPng.ts';
import { fmtNum, markdownTable, reportRows } from './output/table.ts';
import { UsageError } from './errors.ts';
import { cfgSummaryLine, readCfgSummary } from './output/cfgSummary.ts';
import { recipeById, RESULT_SUITES, selectRecipes, type Recipe, type ResultSuite } from './resultRecipes.ts';

export { RESULT_RECIPES, recipeById, type Recipe } from './resultRecipes.ts';

export const RESULT_DATASETS = ['8gaussians', 'moons', 'checkerboard'] as const;
export const RESULT_NFES = [1, 2, 4, 8];

/** Data-vs-data pairs behind each table's floor range (about 2 s a pair at 32,768 samples). */
const FLOOR_DRAWS = 8;

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
  prefix: string,
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
    const report = spread(ev.report, config, FLOOR_DRAWS);
    const picture = `${prefix}${id}-${dataset}.png`;
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
      report,
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
  suite: ResultSuite = RESULT_SUITES.methods,
  cfgSummary?: string,
): string {
  const command =
    suite.id === 'methods' ? 'npx flowmap-lab results' : `npx flowmap-lab results --suite ${suite.id}`;
  const out: string[] = [
    `# ${suite.title}`,
    '',
    ...suite.intro.flatMap((l) => [l === cfgSummaryLine() ? cfgSummaryLine(cfgSummary) : l, '']),
    `Made by one command, \`${command}\` (writes this page and the pictures in docs/results/; \`npm run results\` makes every results page).`,
    `Adapter: ${adapter}. Whole table: ${minutes.toFixed(1)} minutes.`,
    '',
    `Budget, the same for every method: MLP ${budget.depth} x ${budget.width} SiLU with raw time inputs, batch ${budget.batch}, Adam lr ${budget.lr}, ` +
      `${budget.steps} steps (a distillation method first trains its Flow Matching teacher for ${budget.teacherSteps} steps), EMA ${budget.ema} for sampling, ` +
      'seed 1, each recipe below. Metrics on ' +
      `${budget.samples} samples from fresh noise against ${budget.samples} fresh data samples; the floor is the same metric between two fresh data sets of that size ` +
      '(the grid has 64 x 64 cells over the plot box, so it takes this many samples for the floor to sit well below the differences between methods). ' +
      `The last column is the floor's smallest..largest over ${FLOOR_DRAWS} more such pairs: a gap to the floor inside that range is noise (energy and MMD of data against data can go negative). ` +
      "NFE k is k sampler steps (k Euler steps for FM); 'teacher' is the teacher's velocity (FM: the model itself) with 100 Heun steps.",
    '',
    '## One-step quality at a glance (grid TV, lower is better)',
    '',
  ];
  const at = (recipe: string, d: string) => rows.find((r) => r.recipe === recipe && r.dataset === d);
  const nfeOf = (id: string) => recipeById(id).nfe ?? 1;
  const fmAt = (d: string, nfe: number) => at('fm', d)?.report.metrics.gridTv[String(nfe)];
  // Each cell: the 1-NFE grid TV and, after the slash, the same method's sampler at 100 steps (the
  // teacher's ODE; for a distilled student, the ODE of the teacher it learned from).
  const glance = [
    [
      'recipe',
      ...RESULT_DATASETS.map((d) => `${d} NFE 1 / teacher`),
      suite.id === 'distribution'
        ? 'at its NFE (1 unless named), at most half of FM at that NFE'
        : 'NFE 1 at most half of FM 1 Euler step',
      ...(suite.id === 'distribution' ? ['8gaussians modes at its NFE'] : []),
    ],
  ];
  const modes = (r: ResultRow | undefined) =>
    r?.report.metrics.modes
      ? `${fmtNum(r.report.metrics.modes[String(nfeOf(r.recipe))])} of ${fmtNum(r.report.floor.modes)}`
      : '-';
  for (const id of [...new Set(rows.map((r) => r.recipe))]) {
    const cells = RESULT_DATASETS.map((d) => at(id, d)?.report.metrics.gridTv);
    const half = RESULT_DATASETS.map((d, i) => {
      const one = cells[i]?.[String(nfeOf(id))];
      const ref = fmAt(d, nfeOf(id));
      return one !== undefined && ref !== undefined && one <= ref / 2;
    });
    const ran = RESULT_DATASETS.filter((_, i) => cells[i] !== undefined);
    const met = RESULT_DATASETS.filter((_, i) => half[i]);
    const missing = RESULT_DATASETS.filter((_, i) => cells[i] === undefined);
    const notRun = missing.length && ran.length ? ` (${missing.join(', ')} not run)` : '';
    const verdict =
      met.length === RESULT_DATASETS.length
        ? 'yes, on all three'
        : met.length === ran.length && ran.length
          ? `yes, on ${met.join(', ')}${notRun}`
          : met.length
            ? `on ${met.join(', ')} only${notRun}`
            : ran.length
              ? `no${notRun}`
              : '';
    glance.push([
      id,
      ...cells.map((c) => (c ? `${fmtNum(c['1'])} / ${fmtNum(c.teacher)}` : '-')),
      id === 'fm' ? '(the reference)' : verdict,
      ...(suite.id === 'distribution' ? [modes(at(id, '8gaussians'))] : []),
    ]);
  }
  const floors = RESULT_DATASETS.map((d) => fmtNum(rows.find((r) => r.dataset === d)?.report.floor.gridTv));
  glance.push(['data floor', ...floors, '', ...(suite.id === 'distribution' ? [''] : [])]);
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
        ...(r.recipe === 'fm' ? [] : [rowVerdict(r, fmAt(d, nfeOf(r.recipe)), nfeOf(r.recipe)), '']),
      );
    }
  }
  return out.join('\n');
}

/**
 * What a reader needs beside a student's picture: whether its samples at the NFE it trains for (one step
 * unless the recipe names more) are at most half as far as FM's Euler steps at that NFE (the bar of the
 * glance table) and, on a Gaussian mixture, how many modes it keeps there.
 */
export function rowVerdict(r: ResultRow, fmAtNfe: number | undefined, nfe = 1): string {
  const k = String(nfe);
  const ours = r.report.metrics.gridTv?.[k];
  const at = nfe === 1 ? 'one step' : `its ${nfe} steps`;
  const fm = nfe === 1 ? "FM's one Euler step" : `FM's ${nfe} Euler steps`;
  const parts: string[] = [];
  if (ours !== undefined && fmAtNfe !== undefined)
    parts.push(
      ours <= fmAtNfe / 2
        ? `${at[0].toUpperCase()}${at.slice(1)}: grid TV ${fmtNum(ours)}, at most half of ${fm} (${fmtNum(fmAtNfe)}).`
        : `**Not met:** ${at} give${nfe === 1 ? 's' : ''} grid TV ${fmtNum(ours)}, more than half of ${fm} (${fmtNum(fmAtNfe)}).`,
    );
  const m = r.report.metrics.modes?.[k];
  const all = r.report.floor.modes;
  if (m !== undefined && all !== undefined)
    parts.push(
      m >= all
        ? `Modes: all ${fmtNum(all)} hold at least half their share.`
        : `**Modes dropped:** ${fmtNum(m)} of ${fmtNum(all)} hold at least half their share.`,
    );
  return parts.join(' ');
}

export async function resultsCommand(opts: {
  out: string;
  suite?: ResultSuite;
  methods?: string[];
  datasets?: string[];
  budget?: Partial<Budget>;
}): Promise<number> {
  const budget: Budget = { ...BUDGET, ...opts.budget };
  const suite = opts.suite ?? RESULT_SUITES.methods;
  const recipes: Recipe[] = selectRecipes(suite, opts.methods);
  const badData = (opts.datasets ?? []).filter((d) => !(RESULT_DATASETS as readonly string[]).includes(d));
  if (badData.length)
    throw new UsageError(
      `unknown results dataset ${badData.join(', ')}; choose from ${RESULT_DATASETS.join(', ')}`,
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
        const log = (s: string) => console.error(s);
        rows.push(await runOne(gpu, rt, recipe, d, budget, picDir, suite.picturePrefix, log));
        const minutes = (performance.now() - t0) / 60000;
        const summary = suite.id === 'methods' ? readCfgSummary(opts.out) : undefined;
        const md = resultsMarkdown(rows, gpu.adapter.line, minutes, budget, suite, summary);
        writeFileSync(join(opts.out, suite.page), md + '\n'); // written after every run: a partial table survives an interruption
      }
    }
  } finally {
    gpu.destroy();
  }
  console.error(`Wrote ${join(opts.out, suite.page)} and ${rows.length} pictures in ${picDir}`);
  return 0;
}
