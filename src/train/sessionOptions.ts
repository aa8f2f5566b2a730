/** What a session is created with (trainSession.ts createSession), and what its evaluation returns. */
import type { Method } from '../methods/method.ts';
import type { Runtime } from '../engine/runtime.ts';
import type { QualityReport } from './session.ts';

export interface SessionOptions {
  /** Start from these values by graph input name (a checkpoint): networks, their EMA, the teacher. */
  initial?: Record<string, ArrayLike<number>>;
  /** The teacher's parameters are in `initial`: its stage is skipped. */
  teacherLoaded?: boolean;
  /** The method object; by default the registry's method of `config.method`. */
  method?: Method;
  /**
   * A runtime to share between sessions on one device: its pipeline cache keeps compiled kernels, so a
   * second session of the same shapes starts without compiling shaders again (tests, the results table).
   */
  runtime?: Runtime;
  /**
   * Go on from this step of the plan (a snapshot's step, after a lost device): the stage holding it starts
   * there, with the step counter (and so the random stream) where it was. Optimiser moments restart at zero.
   */
  startStep?: number;
}

export interface Evaluation {
  report: QualityReport;
  /** Host copies of every scored set, by label ('1', '2', ..., 'teacher'), and the fresh data. */
  sets: Map<string, Float32Array>;
  data: Float32Array;
}
