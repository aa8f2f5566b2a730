/**
 * The experiment config: typed, versioned, and the one thing that a link, a preset, a CLI flag file and a
 * checkpoint's metadata all carry. Validated with zod; defaults fill what is missing.
 * Method hyperparameters live in `params`, validated against the method's own schema (src/methods).
 */
import { z } from 'zod';
import { labellingOf, UnknownLabellingError } from '../engine/cpu/sampleData.ts';
import { methodById, MethodParamsError, resolveMethodParams } from '../methods/index.ts';
import { MAX_POINTS, definePointsDataset } from '../engine/cpu/pointsData.ts';

export const CONFIG_VERSION = 1;

export const DATASETS = [
  '8gaussians',
  'checkerboard',
  'moons',
  'spirals',
  'rings',
  'swissroll',
  'pinwheel',
  'gmm3',
  'points',
] as const;
/** A built-in toy dataset, or 'points': the user's own set in `ExperimentConfig.points`. */
export type DatasetName = (typeof DATASETS)[number];

export const METHOD_IDS = [
  'fm',
  'flowmap',
  'meanflow',
  'meanflowDistill',
  'tvm',
  'freeflow',
  'dmd',
  'tmd',
  'mfm',
] as const;
export type MethodId = (typeof METHOD_IDS)[number];

export const ACTIVATIONS = ['silu', 'gelu', 'tanh', 'relu'] as const;
export const TIME_FEATURES = ['raw', 'fourier'] as const;
export const LR_SCHEDULES = ['constant', 'cosine'] as const;
export const ODE_SOLVERS = ['euler', 'midpoint', 'heun'] as const;
export const TEACHER_SOURCES = ['analytic', 'train'] as const;

export const netSchema = z.object({
  width: z.number().int().min(8).max(1024).default(128).describe('hidden units per layer'),
  depth: z.number().int().min(1).max(8).default(3).describe('hidden layers'),
  act: z.enum(ACTIVATIONS).default('silu').describe('activation'),
  time: z.enum(TIME_FEATURES).default('raw').describe('time features: raw (t, t - s) or Fourier'),
});

export const trainSchema = z.object({
  steps: z.number().int().min(1).max(1_000_000).default(4000).describe('training steps'),
  batch: z.number().int().min(16).max(16384).default(1024).describe('batch size'),
  lr: z.number().positive().max(1).default(1e-3).describe('learning rate'),
  schedule: z
    .enum(LR_SCHEDULES)
    .default('constant')
    .describe("learning rate over each stage's steps: constant, or cosine decay to 0"),
  beta1: z.number().min(0).max(0.9999).default(0.9),
  beta2: z.number().min(0).max(0.99999).default(0.999),
  weightDecay: z.number().min(0).max(1).default(0),
  clipNorm: z.number().min(0).default(0).describe('global gradient-norm clip (0: off)'),
  ema: z
    .number()
    .min(0)
    .max(0.99999)
    .default(0.999)
    .describe('EMA decay of the parameters used for sampling (0: off)'),
});

/** The teacher of distillation methods: exact (Gaussian mixtures only) or a Flow Matching net trained first. */
export const teacherSchema = z.object({
  source: z.enum(TEACHER_SOURCES).default('train'),
  steps: z.number().int().min(1).max(1_000_000).default(4000).describe('teacher training steps'),
  solver: z.enum(ODE_SOLVERS).default('heun').describe("solver for the teacher's ODE"),
  solverSteps: z.number().int().min(1).max(1000).default(100).describe('teacher steps when it is sampled'),
});

/** The user's own points (drawn or loaded): sampled uniformly over the points plus Gaussian jitter. */
export const pointsSchema = z.object({
  xy: z
    .array(z.number())
    .min(2)
    .max(2 * MAX_POINTS)
    .refine((a) => a.length % 2 === 0, 'give x, y pairs (an even number of values)'),
  jitter: z.number().min(0).max(1).default(0.1).describe('std of the Gaussian jitter around each point'),
});
export type PointsConfig = z.infer<typeof pointsSchema>;

/**
 * Class conditioning and classifier-free guidance (optional: a config without it trains unconditional
 * networks exactly as before). Every network gets the one-hot class as `classes` extra inputs after the
 * time features; the null class (label dropout, the unconditional branch) is the all-zero vector.
 */
export const conditionSchema = z.object({
  labels: z.string().describe('labelling of the dataset: which classes (e.g. 8gaussians modes or groups)'),
  dropout: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.1)
    .describe('share of Flow Matching rows trained with the null class (the unconditional branch)'),
  cfg: z
    .number()
    .min(0)
    .max(16)
    .default(1)
    .describe(
      'guidance scale w of u_w = u_null + w (u_c - u_null): of FM sampling and of distillation targets',
    ),
});
export type ConditionConfig = z.infer<typeof conditionSchema>;

export type ParamValue = number | string | boolean;

export const experimentSchema = z.object({
  v: z.literal(CONFIG_VERSION).default(CONFIG_VERSION),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .default(1),
  dataset: z.enum(DATASETS).default('8gaussians'),
  method: z.enum(METHOD_IDS).default('meanflow'),
  net: netSchema.prefault({}),
  train: trainSchema.prefault({}),
  teacher: teacherSchema.prefault({}),
  condition: conditionSchema.optional(),
  /** Method hyperparameters; checked against the method's schema by `resolveExperiment` (src/methods `resolveMethodParams`). */
  params: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])).default({}),
  /** The points of `dataset: 'points'` (ignored for the built-in datasets). */
  points: pointsSchema.optional(),
});

export type ExperimentConfig = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Validates a config object, filling defaults; throws ConfigError naming every bad field. */
export function parseExperiment(raw: unknown): ExperimentConfig {
  const r = experimentSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(
      `Invalid experiment config - ${lines.join('; ')}. Fix these fields or remove them to use defaults.`,
    );
  }
  return r.data;
}

export const defaultExperiment = (): ExperimentConfig => parseExperiment({});

/**
 * `parseExperiment`, then the method's hyperparameters validated against its schema and completed with
 * its official defaults. Throws ConfigError naming every bad field (of the config or of `params`).
 */
export function resolveExperiment(raw: unknown): ExperimentConfig {
  const config = parseExperiment(raw);
  if (config.condition) checkCondition(config);
  try {
    return { ...config, params: resolveMethodParams(config) as ExperimentConfig['params'] };
  } catch (e) {
    if (e instanceof MethodParamsError) throw new ConfigError(e.message);
    throw e;
  }
}

/**
 * The dataset name the engine samples: the built-in name, or for 'points' the registered point set
 * (`points:<hash>`, src/engine/cpu/pointsData.ts). Throws ConfigError when 'points' has no points.
 */
export function datasetOf(config: Pick<ExperimentConfig, 'dataset' | 'points'>): string {
  if (config.dataset !== 'points') return config.dataset;
  if (!config.points)
    throw new ConfigError(
      'dataset \'points\' needs its points: draw them, load a CSV (--data FILE.csv), or give "points": { "xy": [x0, y0, x1, y1, ...] }',
    );
  return definePointsDataset(config.points.xy, config.points.jitter);
}

/** A condition block names a labelling of the dataset and a method that takes labels. */
function checkCondition(config: ExperimentConfig): void {
  try {
    labellingOf(config.dataset, config.condition!.labels);
  } catch (e) {
    if (e instanceof UnknownLabellingError) throw new ConfigError(`condition.labels: ${e.message}`);
    throw e;
  }
  const m = methodById(config.method);
  if (!m.supportsLabels)
    throw new ConfigError(
      `condition: method '${config.method}' does not take class labels. Remove the condition block or use one of the methods that do.`,
    );
}
