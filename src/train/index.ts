/** The training runtime: sessions (stages, read-back, divergence, evaluation), metrics and checkpoints. */
export {
  createSession,
  FlowSession,
  type SessionOptions,
  type Evaluation,
  type GuideReward,
} from './trainSession.ts';
export { ESTIMATORS, NotMetaFlowMapError, type Estimator } from './mfmPrograms.ts';
export { guideScores, posteriorScores } from './mfmScores.ts';
export type { TrainingSession, StepSummary, QualityReport, PointSet, StageName } from './session.ts';
export { drive, type DriveOptions } from './drive.ts';
export { DivergedError, StageError, TeacherUnavailableError } from './errors.ts';
export { readPoints } from './readPoints.ts';
export { planStages, totalSteps, type PlannedStage } from './plan.ts';
export { parameterShapes } from './parameters.ts';
export { lossCheckGraph, type BatchInput, type LossCheckGraph } from './lossCheck.ts';
export { scoreSets, QUALITY_METRICS, DEFAULT_NFES } from './quality.ts';
export { analyticTeacher, analyticTeacherFor, datasetMixture } from './analyticTeacher.ts';
