/**
 * The method registry: every objective by id, and the validation of a config's `params` against the
 * chosen method's schema (official defaults filled in).
 */
import type { Method } from './method.ts';
import { MethodParamsError, UnknownMethodError } from './errors.ts';
import { fm } from './fm.ts';
import { flowmap } from './flowmap.ts';
import { dmd } from './dmd.ts';
import { tmd } from './tmd.ts';
import { freeflow } from './freeflow.ts';
import { meanflow } from './meanflow.ts';
import { meanflowDistill } from './meanflowDistill.ts';
import { mfm } from './mfm.ts';
import { tvm } from './tvm.ts';

export * from './method.ts';
export * from './errors.ts';
export { fm, odeSample, flowMatchingLoss, teacherStage } from './fm.ts';
export { meanflow, adaptiveLoss, flowMapSample } from './meanflow.ts';
export { meanflowDistill } from './meanflowDistill.ts';
export { tvm } from './tvm.ts';
export { flowmap, terminalDerivative } from './flowmap.ts';
export { freeflow } from './freeflow.ts';
export { dmd } from './dmd.ts';
export { tmd } from './tmd.ts';
export { mfm, mfmLoss, posteriorJump, condition, MARGINAL_CONDITION } from './mfm.ts';
export { glassVelocity, GLASS_DEN_EPS } from './glass.ts';
export { diagonal, flowMap, interpolate, odePath, flowMapPath, uniformGrid } from './flow.ts';
export { normalCdf, normalQuantile, tvmTimes, logitNormalTimes, uniformTimes } from './times.ts';

/** All methods, in the order the UI lists them. */
export const METHODS: readonly Method[] = [
  fm,
  flowmap,
  meanflow,
  meanflowDistill,
  tvm,
  freeflow,
  dmd,
  tmd,
  mfm,
] as unknown as readonly Method[];

export function methodById(id: string): Method {
  const m = METHODS.find((x) => x.id === id);
  if (!m)
    throw new UnknownMethodError(
      id,
      METHODS.map((x) => x.id),
    );
  return m;
}

/** The method's hyperparameters with official defaults filled; throws MethodParamsError naming bad fields. */
export function resolveParams(method: Method, params: Record<string, unknown>): Record<string, unknown> {
  const r = method.schema.strict().safeParse(params);
  if (!r.success) {
    throw new MethodParamsError(
      method.id,
      r.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`),
    );
  }
  return r.data as Record<string, unknown>;
}

/** `resolveParams` for an experiment config ({ method, params }). */
export function resolveMethodParams(config: {
  method: string;
  params: Record<string, unknown>;
}): Record<string, unknown> {
  return resolveParams(methodById(config.method), config.params);
}

/** The official defaults of a method's hyperparameters. */
export const defaultParams = (method: Method): Record<string, unknown> => resolveParams(method, {});
