/** What the canvas shows (all drawn from GPU buffers by the worker), and the camera. */
import { DEFAULT_CAMERA, type Camera } from './camera.ts';

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
};
