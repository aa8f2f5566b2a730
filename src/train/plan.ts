/**
 * Which stages an experiment runs, for how many steps, and how each binds the teacher.
 * A distillation method's teacher is trained first (teacher.source 'train'), or is the exact
 * Gaussian-mixture velocity ('analytic', every isotropic Gaussian-mixture dataset: 8gaussians, gmm3), or comes from a
 * checkpoint ('train' with a loaded `teacher` net); in the last two cases the teacher stage is skipped.
 */
import type { Method, Stage } from '../methods/method.ts';
import type { ExperimentConfig } from './config.ts';
import { TeacherUnavailableError } from './errors.ts';
import { datasetMixture } from './analyticTeacher.ts';

export type TeacherKind = 'analytic' | 'network' | 'none';

export interface PlannedStage {
  stage: Stage<unknown>;
  steps: number;
  /** How ctx.teacher is bound in this stage. */
  teacher: TeacherKind;
  /** Global step at which this stage starts (session.step counts across stages). */
  start: number;
}

export interface PlanOptions {
  /** The teacher's parameters were loaded from a checkpoint (the teacher stage is skipped). */
  teacherLoaded?: boolean;
}

/** How the teacher velocity is obtained for the student stages of `method`. */
export function teacherKind(
  method: Method,
  config: ExperimentConfig,
  params: Record<string, unknown>,
): TeacherKind {
  if (!method.needsTeacher(params)) return 'none';
  // the exact velocity wins over a loaded `teacher` net: a run with the analytic teacher still saves the
  // teacher network it never trained (other nets start from it), and a checkpoint of such a run must not
  // bring that untrained net back as its teacher
  if (config.teacher.source === 'analytic') {
    if (!datasetMixture(config.dataset)) {
      throw new TeacherUnavailableError(
        `teacher.source 'analytic' needs Gaussian-mixture data (8gaussians or gmm3), not '${config.dataset}': ` +
          "set teacher.source to 'train' (a Flow Matching teacher is trained first, or loaded from a checkpoint).",
      );
    }
    return 'analytic';
  }
  return 'network';
}

export function planStages(
  method: Method,
  config: ExperimentConfig,
  params: Record<string, unknown>,
  opts: PlanOptions = {},
): PlannedStage[] {
  const kind = teacherKind(method, config, params);
  const out: PlannedStage[] = [];
  let start = 0;
  for (const stage of method.stages as Stage<unknown>[]) {
    const trainsTeacher = stage.main.trains.includes('teacher');
    if (stage.name === 'teacher' && kind === 'none') continue;
    if (stage.skipWithAnalyticTeacher && kind !== 'network') continue;
    if (trainsTeacher && opts.teacherLoaded) continue;
    const steps =
      typeof stage.steps === 'object'
        ? Number(params[stage.steps.param])
        : stage.steps === 'teacher'
          ? config.teacher.steps
          : config.train.steps;
    out.push({ stage, steps, teacher: trainsTeacher ? 'none' : kind, start });
    start += steps;
  }
  return out;
}

export const totalSteps = (plan: readonly PlannedStage[]) => plan.reduce((s, p) => s + p.steps, 0);
