/** What the canvas shows (all drawn from GPU buffers by the worker), and the camera. */
import type { Estimator } from '../train/mfmPrograms.ts';
import { DEFAULT_CAMERA, type Camera } from './camera.ts';

/** r(x) = log N(y; a . x, sigma^2), the reward of the Meta Flow Maps panel. */
export interface LinearRewardView {
  a: [number, number];
  y: number;
  sigma: number;
}

export type Nfe = 1 | 2 | 4 | 8 | 'teacher';

export interface ViewSettings {
  camera: Camera;
  data: boolean;
  samples: boolean;
  nfe: Nfe;
  paths: boolean;
  /** the teacher's ODE paths beside the flow map's jumps */
  teacherPaths: boolean;
  field: boolean;
  /** F(x, t, s) is drawn for these times */
  fieldT: number;
  fieldS: number;
  /** animate points along the trajectories (noise at tau 0 to data at tau 1) */
  animate: boolean;
  points: number;
  /** Labelled runs: the class the samples show (-1: every class) */
  sampleClass?: number;
  /** Labelled runs: the sampling guidance scale w, live (null: the config's condition.cfg) */
  guidance?: number | null;
  /** the guided teacher's (or FM's own) many-step samples as a layer */
  teacherSamples?: boolean;
  /** Meta Flow Maps: the point x_t whose posterior p(x_0 | x_t) is drawn, at t = fieldT (null: none) */
  posteriorAt?: [number, number] | null;
  /** Meta Flow Maps: the reward whose guided samples are drawn (null: none) */
  reward?: LinearRewardView | null;
  /** Meta Flow Maps: the estimator of grad V_t and its Monte Carlo count N */
  estimator?: Estimator;
  mc?: number;
  /** Meta Flow Maps: draw the exact posterior / tilted target beside the model's (Gaussian-mixture data) */
  exact?: boolean;
}

export const DEFAULT_VIEW: ViewSettings = {
  camera: DEFAULT_CAMERA,
  data: true,
  samples: true,
  nfe: 1,
  paths: false,
  teacherPaths: false,
  field: false,
  fieldT: 1,
  fieldS: 0,
  animate: false,
  points: 4096,
  sampleClass: -1,
  guidance: null,
  teacherSamples: false,
  posteriorAt: null,
  reward: null,
  estimator: 'iwae',
  mc: 8,
  exact: true,
};
