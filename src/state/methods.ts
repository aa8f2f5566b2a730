/**
 * What the panel knows about each method, from the method registry (src/methods): title, paper, the loss in
 * one line, the hyperparameter schema (controls are generated from it), and whether the method needs a
 * teacher with given hyperparameters (then the run has a teacher stage, then the student).
 */
import type { z } from 'zod';
import { METHODS as REGISTRY } from '../methods/index.ts';
import type { ExperimentConfig, ParamValue } from '../train/config.ts';

export interface MethodInfo {
  id: string;
  title: string;
  /** arXiv id */
  paper: string;
  /** the objective in one line */
  summary: string;
  schema: z.ZodObject;
  needsTeacher(params: Record<string, ParamValue>): boolean;
  /** The stages in order with their step budgets (a teacher stage only runs with a trained teacher). */
  stages: readonly { name: string; steps: 'teacher' | 'train' | { param: string } }[];
}

export const METHODS: readonly MethodInfo[] = REGISTRY.map((m) => ({
  id: m.id,
  title: m.title,
  paper: m.paper,
  summary: m.objective,
  schema: m.schema,
  needsTeacher: (params) => m.needsTeacher(resolveWith(m.schema, params)),
  stages: m.stages.map((s) => ({ name: s.name, steps: s.steps })),
}));

/**
 * The stages this experiment runs, with their steps: the teacher's only when it trains one (not the
 * exact teacher), a pretraining stage (TMD) with the budget its hyperparameter gives.
 */
export function runStages(
  config: Pick<ExperimentConfig, 'method' | 'params' | 'teacher' | 'train'>,
): { name: string; steps: number }[] {
  const info = methodInfo(config.method);
  if (!info) return [{ name: 'student', steps: config.train.steps }];
  const trained = hasTeacher(config) && config.teacher.source === 'train';
  const params = resolveParams(config.method, config.params);
  return info.stages
    .filter((s) => s.name !== 'teacher' || trained)
    .map((s) => ({
      name: s.name,
      steps:
        typeof s.steps === 'object'
          ? Number(params[s.steps.param])
          : s.steps === 'teacher'
            ? config.teacher.steps
            : config.train.steps,
    }));
}

export function methodInfo(id: string): MethodInfo | undefined {
  return METHODS.find((m) => m.id === id);
}

/** The hyperparameter schema of a method, for the URL codec and the panel. */
export const paramsSchemaOf = (id: string): z.ZodObject | undefined => methodInfo(id)?.schema;

function resolveWith(schema: z.ZodObject, params: Record<string, ParamValue>): Record<string, ParamValue> {
  const r = schema.safeParse(params); // unknown keys are dropped
  if (r.success) return r.data as Record<string, ParamValue>;
  const defaults = schema.safeParse({});
  return defaults.success ? (defaults.data as Record<string, ParamValue>) : {};
}

/** Method params with the schema's defaults filled in and unknown keys dropped (all defaults if invalid). */
export function resolveParams(id: string, params: Record<string, ParamValue>): Record<string, ParamValue> {
  const schema = paramsSchemaOf(id);
  return schema ? resolveWith(schema, params) : params;
}

/** True when this experiment trains (or uses) a teacher before the student. */
export function hasTeacher(config: Pick<ExperimentConfig, 'method' | 'params'>): boolean {
  return methodInfo(config.method)?.needsTeacher(config.params) ?? false;
}
