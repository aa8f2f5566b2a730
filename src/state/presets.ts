/**
 * Classroom demos: each preset is an experiment config plus what the canvas shows, with two lines that say
 * what to look at. Method hyperparameters are left to the method's defaults unless a demo is about one.
 */
import { parseExperiment, type ExperimentConfig, type ExperimentInput } from '../train/config.ts';
import { LETTER_PRESET_CONFIG } from './comparePresets.ts';
import { DEFAULT_VIEW, type ViewSettings } from './viewSettings.ts';

export interface Preset {
  id: string;
  title: string;
  /** Two lines: what happens, and what to do or look at. */
  lines: [string, string];
  config: ExperimentInput;
  view?: Partial<ViewSettings>;
  hide?: string[];
}

export const PRESETS: readonly Preset[] = [
  {
    id: 'fm-one-step-blur',
    title: 'Why one Euler step of Flow Matching blurs',
    lines: [
      'Flow Matching learns the average velocity toward all data points that could lie behind a noisy point.',
      'One Euler step jumps along that average and lands between the squares; switch NFE to 8 to see them sharpen.',
    ],
    config: {
      method: 'fm',
      dataset: 'checkerboard',
      seed: 1,
      net: { width: 128, depth: 3 },
      train: { batch: 1024, lr: 1e-3 },
    },
    view: { nfe: 1, paths: true },
  },
  {
    id: 'meanflow-one-step',
    title: 'MeanFlow: good samples in one step',
    lines: [
      'MeanFlow learns the average velocity over a whole interval, from scratch, with one JVP per step.',
      'Its one-step samples find all eight modes; compare NFE 1 with NFE 8: they should look alike.',
    ],
    config: {
      method: 'meanflow',
      dataset: '8gaussians',
      seed: 1,
      net: { width: 128, depth: 3 },
      train: { batch: 1024, lr: 1e-3 },
      // the 2-D recipe (plain squared error, uniform times): the official ImageNet weighting gives
      // too-sharp modes on 2-D data (docs/methods.md)
      params: { adaptiveP: 0, timeDist: 'uniform', ratioEqual: 0.25 },
    },
    view: { nfe: 1, paths: true },
  },
  {
    id: 'freeflow-no-data',
    title: 'Distillation without data (FreeFlow)',
    lines: [
      'FreeFlow never sees a data point: the student learns only from noise and the frozen teacher velocity.',
      'Turn the data layer off and on: the student matches the teacher even where no sample was shown.',
    ],
    config: {
      method: 'freeflow',
      dataset: '8gaussians',
      seed: 2,
      teacher: { source: 'analytic' },
      net: { width: 128, depth: 3 },
    },
    view: { nfe: 1, data: false, teacherPaths: true },
  },
  {
    id: 'dmd2-one-step',
    title: 'DMD2 in one step',
    lines: [
      'A one-step generator copied from the teacher is pushed by (fake - real) x0 predictions at re-noised samples.',
      'The fake net learns the generator samples 5 times per step; watch NFE 1 reach the modes after the teacher stage.',
    ],
    config: {
      method: 'dmd',
      dataset: '8gaussians',
      seed: 1,
      net: { width: 64, depth: 4 },
      train: { batch: 256, lr: 2e-3, steps: 3000 },
      teacher: { source: 'train', steps: 3000 },
      params: { variant: 'dmd2' },
    },
    view: { nfe: 1 },
  },
  {
    id: 'dmd-mode-collapse',
    title: 'DMD without the regression loss collapses modes',
    lines: [
      'Re-noising biased to low noise (shift 0.25): the matching gradient only sees nearby modes and the generator never leaves the blob it starts as (0 of 8 modes).',
      "Switch variant to dmd: the paired-noise regression to the teacher's ODE output pulls it onto all 8 modes; the quality title counts them.",
    ],
    config: {
      method: 'dmd',
      dataset: '8gaussians',
      seed: 3,
      net: { width: 64, depth: 4 },
      train: { batch: 256, lr: 2e-3, steps: 3000 },
      teacher: { source: 'train', steps: 3000 },
      params: { variant: 'dmd2', timeShift: 0.25 },
    },
    view: { nfe: 1 },
  },
  {
    id: 'tmd-outer-inner',
    title: 'TMD: outer and inner steps',
    lines: [
      "The trunk takes outer steps x <- x - (t - t') y; a light head draws each y in inner steps from fresh noise.",
      'Stage 1 pretrains the head (MeanFlow), stage 2 matches the unrolled sampler; show paths to see both levels.',
    ],
    config: {
      method: 'tmd',
      dataset: '8gaussians',
      seed: 1,
      net: { width: 64, depth: 4 },
      train: { batch: 256, lr: 2e-3, steps: 2000 },
      teacher: { source: 'train', steps: 3000 },
      params: { outerSteps: 2, innerSteps: 2, pretrainSteps: 1500 },
    },
    view: { nfe: 2, paths: true },
  },
  {
    id: 'flowmap-teacher-paths',
    title: 'Flow maps jump along curved teacher paths',
    lines: [
      'A flow map f(x, t, s) jumps from time t to s; trained on the teacher ODE, it must cut across its curves.',
      'Show both path sets: where the teacher path bends, a two-step student misses the turn.',
    ],
    config: { method: 'flowmap', dataset: 'spirals', seed: 1, net: { width: 128, depth: 4 } },
    view: { nfe: 2, paths: true, teacherPaths: true },
  },
  {
    id: 'tvm-checkerboard',
    title: 'Terminal Velocity Matching on sharp edges',
    lines: [
      'TVM matches the velocity at the end of each jump, differentiating through a JVP of the network.',
      'Watch the field arrows at t = 1, s = 0: they should point straight at the squares.',
    ],
    config: { method: 'tvm', dataset: 'checkerboard', seed: 3, net: { width: 128, depth: 3 } },
    view: { nfe: 1, field: true, fieldT: 1, fieldS: 0 },
  },
  {
    id: 'fm-flow-animation',
    title: 'Noise becomes data: the flow in motion',
    lines: [
      'Each point starts as Gaussian noise at t = 1 and follows the learned velocity to t = 0.',
      'The animation moves every sample along its path; pause it and drag the field sliders to see why.',
    ],
    config: { method: 'fm', dataset: 'moons', seed: 4 },
    view: { nfe: 8, animate: true, field: true, fieldT: 0.5, fieldS: 0.5 },
  },
  {
    id: 'draw-a-letter',
    title: 'Draw a letter and distil it',
    lines: [
      'A Flow Matching teacher learns a drawn A, then a two-step flow map is distilled from its ODE.',
      'Press Draw (or Erase) beside the dataset and write your own letter: every stroke starts a new run.',
    ],
    config: LETTER_PRESET_CONFIG,
    view: { nfe: 2, paths: true, teacherPaths: true },
  },
  {
    id: 'cfg-teacher-data-mismatch',
    title: 'Guidance moves the target away from the data (why FreeFlow is data-free)',
    lines: [
      'With guidance w = 3 the teacher (blue) pushes class 0 (4 of the 8 modes) away from class 1: its samples are not the data (grey).',
      'FreeFlow learns from noise only, so its one-step samples (coral) follow the guided teacher; compare a data-based student in the results page.',
    ],
    config: {
      method: 'freeflow',
      dataset: '8gaussians',
      seed: 1,
      net: { width: 64, depth: 3 },
      train: { batch: 512, lr: 2e-3 },
      teacher: { source: 'analytic', solverSteps: 50 },
      condition: { labels: 'groups', dropout: 0.1, cfg: 3 },
    },
    view: { nfe: 1, sampleClass: 0, teacherSamples: true },
  },
];

export function presetById(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

/** The preset's config with defaults filled in (throws ConfigError if a preset is broken: tests check). */
export function presetConfig(p: Preset): ExperimentConfig {
  return parseExperiment(p.config);
}

export function presetView(p: Preset, base: ViewSettings = DEFAULT_VIEW): ViewSettings {
  return { ...base, ...p.view, camera: base.camera };
}
