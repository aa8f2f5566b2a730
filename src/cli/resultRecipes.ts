/**
 * The recipes of `flowmap-lab results` and the pages they fill. Two suites train methods at one
 * budget: `methods` (docs/results.md: FM and the trajectory/consistency family) and `distribution`
 * (docs/results-distribution.md: DMD2, DMD, VSD and TMD, beside the FM reference they must halve).
 */
import { UsageError } from './errors.ts';
import { cfgSummaryLine } from './output/cfgSummary.ts';

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
  /** The sampler steps the recipe trains for (default 1): its verdict compares FM at the same NFE. */
  nfe?: number;
}

const FM: Recipe = {
  id: 'fm',
  method: 'fm',
  params: {},
  note: 'the teacher: 1 to 8 Euler steps, and 100 Heun steps',
};

export const METHOD_RECIPES: Recipe[] = [
  FM,
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
];

export const DISTRIBUTION_RECIPES: Recipe[] = [
  FM,
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
  { id: 'tmd-2', method: 'tmd', params: { outerSteps: 2 }, nfe: 2, note: 'TMD, 2 outer x 2 inner steps' },
  { id: 'tmd-4', method: 'tmd', params: { outerSteps: 4 }, nfe: 4, note: 'TMD, 4 outer x 2 inner steps' },
];

/** Every recipe of every suite, once. */
export const RESULT_RECIPES: Recipe[] = [...METHOD_RECIPES, ...DISTRIBUTION_RECIPES.slice(1)];

/** A page of results: its recipes, its file and the prefix of its pictures in docs/results/. */
export interface ResultSuite {
  id: 'methods' | 'distribution';
  page: string;
  title: string;
  recipes: Recipe[];
  picturePrefix: string;
  intro: string[];
}

export const RESULT_SUITES: Record<ResultSuite['id'], ResultSuite> = {
  methods: {
    id: 'methods',
    page: 'results.md',
    title: 'Results',
    recipes: METHOD_RECIPES,
    picturePrefix: '',
    intro: [
      'Distribution matching (DMD2, DMD, VSD) and Transition Matching Distillation at the same budget: [results-distribution.md](results-distribution.md).',
      cfgSummaryLine(),
      'Meta Flow Maps (posterior samples and reward guidance): [results-mfm.md](results-mfm.md).',
    ],
  },
  distribution: {
    id: 'distribution',
    page: 'results-distribution.md',
    title: 'Results: distribution matching and Transition Matching Distillation',
    recipes: DISTRIBUTION_RECIPES,
    picturePrefix: 'dist-',
    intro: [
      'The methods of [results.md](results.md) at the same budget; FM is trained again here as the reference a one-step generator must halve.',
      'A distribution-matching method first trains its FM teacher, then distils it; TMD also pretrains its flow head (MeanFlow) before matching the unrolled sampler.',
      "Reverse-KL matching is mode-seeking, so on 8 gaussians each row also counts the modes holding at least half their share ('modes').",
    ],
  },
};

export function suiteById(id: string): ResultSuite {
  const s = (RESULT_SUITES as Record<string, ResultSuite>)[id];
  if (!s)
    throw new UsageError(`no results suite "${id}"; choose from ${Object.keys(RESULT_SUITES).join(', ')}`);
  return s;
}

export function recipeById(id: string): Recipe {
  const r = RESULT_RECIPES.find((x) => x.id === id);
  if (!r)
    throw new UsageError(
      `no results recipe "${id}"; choose from ${RESULT_RECIPES.map((x) => x.id).join(', ')}`,
    );
  return r;
}

/** The recipes of a suite that `--methods` names (recipe ids or method names), or a clear error. */
export function selectRecipes(suite: ResultSuite, names?: string[]): Recipe[] {
  if (!names) return suite.recipes;
  const inSuite = (m: string) => suite.recipes.some((r) => r.id === m || r.method === m);
  const unknown = names.filter((m) => !inSuite(m));
  if (unknown.length) {
    const elsewhere = unknown
      .map((m) =>
        Object.values(RESULT_SUITES).find((s) => s.recipes.some((r) => r.id === m || r.method === m)),
      )
      .find(Boolean);
    throw new UsageError(
      `unknown recipe or method ${unknown.join(', ')} in suite ${suite.id}` +
        (elsewhere ? ` (it is in --suite ${elsewhere.id})` : '') +
        `; choose from ${suite.recipes.map((r) => r.id).join(', ')}`,
    );
  }
  // "meanflow" alone keeps both MeanFlow recipes.
  return suite.recipes.filter((r) => names.includes(r.id) || names.includes(r.method));
}
