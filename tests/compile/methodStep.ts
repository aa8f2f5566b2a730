/**
 * A method's last-stage loss and parameter gradients as one compiled-step spec (shared by the GPU
 * method test, the fusion tests and the measurement script tests/compile/measureFusion.ts): seeded
 * test networks, the analytic 8-Gaussians teacher where the method asks for one, parameters rounded
 * to f32.
 */
import { grad, type Tensor } from '../../src/autodiff/index.ts';
import {
  defaultParams,
  methodById,
  resolveMethodParams,
  type OptimizerGroup,
} from '../../src/methods/index.ts';
import {
  boundNets,
  eightGaussiansTeacher,
  lossContext,
  methodNets,
  type TestNet,
} from '../methods/helpers.ts';

export interface MethodStep {
  outputs: Record<string, Tensor>;
  feeds: Record<string, Float64Array>;
}

export function methodStep(
  id: string,
  raw: Record<string, unknown>,
  batch: number,
  width = 16,
  depth = 2,
  stageName?: string,
): MethodStep {
  const method = methodById(id);
  const params = { ...defaultParams(method), ...resolveMethodParams({ method: id, params: raw }) };
  const nets: Record<string, TestNet> = methodNets(method, 200, width, depth);
  const feeds: Record<string, Float64Array> = {};
  for (const n of Object.values(nets))
    for (const [k, v] of Object.entries(n.feeds)) feeds[k] = Float64Array.from(Float32Array.from(v));
  const stage = stageName
    ? method.stages.find((s) => s.name === stageName)!
    : method.stages[method.stages.length - 1];
  const groups = [stage.main, ...(stage.extra ?? [])] as OptimizerGroup<unknown>[];
  const outputs: Record<string, Tensor> = {};
  groups.forEach((group, g) => {
    const ctx = lossContext({
      params,
      batch,
      ...boundNets(method, nets),
      teacher: method.needsTeacher(params) && stage.name !== 'teacher' ? eightGaussiansTeacher : null,
      data: (stage.usesData ?? method.usesData) ? '8gaussians' : null,
      firstStream: 1 + 100 * g,
    });
    const loss = group.buildLoss(ctx);
    outputs[`${group.name} loss`] = loss.total;
    for (const [k, t] of Object.entries(loss.terms)) outputs[`${group.name} ${k}`] = t;
    const wrt = group.trains.flatMap((n) => nets[n].params);
    grad(loss.total, wrt).forEach((gt, i) => (outputs[`${group.name} grad ${i}`] = gt));
  });
  return { outputs, feeds };
}
