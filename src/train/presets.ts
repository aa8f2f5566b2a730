/**
 * Method recipes: complete experiment configs per method, at the scale of the 2-D playground, with the
 * papers' official hyperparameters where they exist and a note on where each number comes from.
 * The CLI runs them by id; the tests check that every recipe parses and that its params validate
 * against the method's schema. (Classroom demos with view settings live in src/state/presets.ts.)
 */
import { resolveExperiment, type ExperimentConfig, type ExperimentInput, type MethodId } from './config.ts';

export interface MethodPreset {
  id: string;
  method: MethodId;
  title: string;
  /** Where the numbers come from, and what this recipe is for. */
  source: string;
  config: ExperimentInput;
}

/** The playground's default network and budget (a few minutes on a laptop GPU). */
const SMALL_NET = { width: 128, depth: 3, act: 'silu', time: 'raw' } as const;
const SMALL_TRAIN = { steps: 8000, batch: 1024, lr: 1e-3, ema: 0.999 } as const;

export const METHOD_PRESETS: readonly MethodPreset[] = [
  {
    id: 'fm-notebook',
    method: 'fm',
    title: 'Flow Matching, official 2-D recipe',
    source:
      'facebookresearch/flow_matching 2-D notebook: checkerboard, MLP 4 x 512 Swish, raw t, Adam 1e-3, batch 4096, ' +
      '20k steps, midpoint solver with step 0.05 (20 steps); no EMA.',
    config: {
      method: 'fm',
      dataset: 'checkerboard',
      net: { width: 512, depth: 4, act: 'silu', time: 'raw' },
      train: { steps: 20000, batch: 4096, lr: 1e-3, ema: 0 },
      teacher: { solver: 'midpoint', solverSteps: 20 },
    },
  },
  {
    id: 'fm-small',
    method: 'fm',
    title: 'Flow Matching, playground size',
    source:
      'The notebook recipe scaled down (128 x 3, 8k steps) with an EMA for sampling; the teacher of the distillation recipes.',
    config: {
      method: 'fm',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { solver: 'heun', solverSteps: 50 },
    },
  },
  {
    id: 'meanflow-imagenet',
    method: 'meanflow',
    title: 'MeanFlow with the ImageNet settings',
    source:
      'MeanFlow (2505.13447) ImageNet code: t, r ~ logit-normal(-0.4, 1) sorted, 75 % r = t, adaptive weight p = 1, eps = 0.01.',
    config: {
      method: 'meanflow',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      params: {
        timeDist: 'logitNormal',
        timeMean: -0.4,
        timeStd: 1,
        ratioEqual: 0.75,
        adaptiveP: 1,
        adaptiveEps: 0.01,
      },
    },
  },
  {
    id: 'meanflow-cifar',
    method: 'meanflow',
    title: 'MeanFlow with the CIFAR-10 settings',
    source:
      'MeanFlow CIFAR-10 code: adaptive weight p = 0.75, eps = 1e-3, 25 % r = t. Users reported NaN after long runs with ' +
      'these, fixed by p = 1 and 75 % r = t (the ImageNet recipe).',
    config: {
      method: 'meanflow',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      params: { ratioEqual: 0.25, adaptiveP: 0.75, adaptiveEps: 1e-3 },
    },
  },
  {
    id: 'meanflow-2d',
    method: 'meanflow',
    title: 'MeanFlow, 2-D recipe (good one-step samples)',
    source:
      'Measured here (docs/methods.md, docs/results.md): on 2-D data the adaptive weight p = 1 pulls the velocity toward a ' +
      'median (too-sharp modes) and logit-normal times almost never reach t = 1, where one-step sampling starts. Plain ' +
      'squared error (p = 0), uniform times and 25 % r = t fix both.',
    config: {
      method: 'meanflow',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      params: { timeDist: 'uniform', ratioEqual: 0.25, adaptiveP: 0 },
    },
  },
  {
    id: 'tvm-official',
    method: 'tvm',
    title: 'Terminal Velocity Matching, official sampler and optimiser',
    source:
      "lumalabs/tvm: gap ~ sigmoid(N(-0.8, 1)), s ~ sigmoid(N(-0.4, 1)) truncated to t <= 1, s' independent, EMA target 0.99, " +
      'AdamW betas (0.9, 0.95), gradients through the JVP, NaN per-sample losses zeroed.',
    config: {
      method: 'tvm',
      dataset: 'checkerboard',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      params: { targetEma: 0.99, beta1: 0.9, beta2: 0.95, detachJvp: false },
    },
  },
  {
    id: 'flowmap-analytic',
    method: 'flowmap',
    title: 'Trajectory flow-map distillation of the exact teacher',
    source:
      'Seed section 2.1 with the analytic Gaussian-mixture velocity as teacher, so the error seen is distillation error only; ' +
      'the in-graph teacher takes 8 Heun steps from t to s.',
    config: {
      method: 'flowmap',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'analytic' },
      params: { variant: 'trajectory', teacherSteps: 8, teacherSolver: 'heun' },
    },
  },
  {
    id: 'flowmap-lsd',
    method: 'flowmap',
    title: 'Lagrangian self-distillation (no teacher)',
    source:
      'Boffi, Albergo, Vanden-Eijnden (2505.18825): || d/ds f - sg(F(f, s, s)) ||^2 plus the diagonal FM loss on data.',
    config: {
      method: 'flowmap',
      dataset: 'moons',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      params: { variant: 'lagrangianSelf' },
    },
  },
  {
    id: 'freeflow-analytic',
    method: 'freeflow',
    title: 'FreeFlow from the exact teacher, without data',
    source:
      'FreeFlow (2511.19428): prior samples only; predictor in stop-gradient form, corrector with an online fake FM net, ' +
      'batch split 75 / 25, per-sample weight k = 1.',
    config: {
      method: 'freeflow',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'analytic' },
    },
  },
  {
    id: 'freeflow-predictor-only',
    method: 'freeflow',
    title: 'FreeFlow, predictor only',
    source:
      'The ablation reported by the paper: the predictor alone works but is worse than predictor + corrector.',
    config: {
      method: 'freeflow',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'analytic' },
      params: { corrector: false },
    },
  },
  {
    id: 'freeflow-trained-teacher',
    method: 'freeflow',
    title: 'FreeFlow from a trained Flow Matching teacher',
    source: 'Teacher trained on data first (its own stage), then the student distils it from noise alone.',
    config: {
      method: 'freeflow',
      dataset: 'checkerboard',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'train', steps: 8000 },
    },
  },
  {
    id: 'dmd2-8gaussians',
    method: 'dmd',
    title: 'DMD2, a one-step generator from a trained teacher',
    source:
      'DMD2 (2405.14867, tianweiy/DMD2): generator and fake net copied from the trained teacher, normalised ' +
      'x0-space gradient, r in [0.02, 0.98], 5 fake updates per generator step; no GAN term.',
    config: {
      method: 'dmd',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: { ...SMALL_TRAIN, steps: 4000 },
      teacher: { source: 'train', steps: 4000 },
      params: { variant: 'dmd2' },
    },
  },
  {
    id: 'dmd-regression',
    method: 'dmd',
    title: "DMD with the paired-noise regression to the teacher's ODE",
    source:
      'DMD (2311.18828): the distribution-matching gradient plus lambda_reg 0.25 times || G(e) - ODE_T(e) ||^2 ' +
      '(LPIPS in the paper; squared L2 here), the term that keeps DMD1 from dropping modes.',
    config: {
      method: 'dmd',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: { ...SMALL_TRAIN, steps: 4000 },
      teacher: { source: 'train', steps: 4000 },
      params: { variant: 'dmd', regressionWeight: 0.25 },
    },
  },
  {
    id: 'tmd-8gaussians',
    method: 'tmd',
    title: 'TMD: trunk + flow head, 2 outer x 2 inner steps',
    source:
      'TMD (2601.09881): stage 1 MeanFlow on the head with r = s on 75 %, forward-mode JVP; stage 2 DMD2 of the ' +
      'unrolled sampler with gradients through the inner steps.',
    config: {
      method: 'tmd',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: { ...SMALL_TRAIN, steps: 3000 },
      teacher: { source: 'train', steps: 4000 },
      params: { outerSteps: 2, innerSteps: 2, pretrainSteps: 2000 },
    },
  },
  {
    id: 'mfm-gmm3',
    method: 'mfm',
    title: "Meta Flow Maps on the paper's 3-Gaussian prior, exact teacher",
    source:
      'Meta Flow Maps (2601.14430), official esd_teacher loss: diagonal on the GLASS velocity (p = 0.5), eulerian ' +
      'consistency (p = 1), c = 0.01, t = 1 - U^2 with 10 % at t = 1; the analytic teacher of gmm3.',
    config: {
      method: 'mfm',
      dataset: 'gmm3',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'analytic' },
    },
  },
  {
    id: 'mfm-8gaussians',
    method: 'mfm',
    title: 'Meta Flow Maps on 8 gaussians, exact teacher',
    source:
      'The same official loss on 8 gaussians: one-step posterior samples for any (t, x_t), checked exactly.',
    config: {
      method: 'mfm',
      dataset: '8gaussians',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'analytic' },
    },
  },
  {
    id: 'mfm-trained-teacher',
    method: 'mfm',
    title: 'Meta Flow Maps from a trained Flow Matching teacher',
    source: 'GLASS targets from a Flow Matching teacher trained first (its own stage), on gmm3.',
    config: {
      method: 'mfm',
      dataset: 'gmm3',
      net: SMALL_NET,
      train: SMALL_TRAIN,
      teacher: { source: 'train', steps: 8000 },
    },
  },
];

export class UnknownPresetError extends Error {
  override name = 'UnknownPresetError';
  constructor(id: string) {
    super(`unknown method preset '${id}': use one of ${METHOD_PRESETS.map((p) => p.id).join(', ')}`);
  }
}

export function methodPreset(id: string): MethodPreset {
  const p = METHOD_PRESETS.find((x) => x.id === id);
  if (!p) throw new UnknownPresetError(id);
  return p;
}

/** The preset's full config (defaults filled, method params validated and completed with the official defaults). */
export function presetExperiment(id: string): ExperimentConfig {
  return resolveExperiment(methodPreset(id).config);
}
