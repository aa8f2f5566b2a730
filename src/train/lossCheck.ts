/**
 * A method's loss on a batch whose randomness is ALL given: the data, the noise and the times become
 * named inputs instead of device random leaves, so a researcher can feed the same numbers to their own
 * PyTorch/JAX code and compare the loss terms and the gradient of the total with ours (docs/checking.md).
 * Inputs of the main optimiser group of a stage: `data` [B, 2], then `random.0`, `random.1`, ... in the
 * order the method draws them (each with its distribution: uniform on [0, 1) or standard normal).
 */
import { grad, input, type Tensor } from '../autodiff/index.ts';
import type { RandomDist, Shape } from '../autodiff/prims.ts';
import type { Method, Stage } from '../methods/method.ts';
import { analyticTeacherFor } from './analyticTeacher.ts';
import type { ExperimentConfig } from './config.ts';
import { networkInputs } from './networks.ts';
import type { TeacherKind } from './plan.ts';
import { lossContext } from './stageGraph.ts';
import { StageError } from './errors.ts';

export interface BatchInput {
  name: string;
  shape: Shape;
  /** 'data' for dataset samples; otherwise the distribution the training step would draw it from. */
  dist: RandomDist | 'data';
}

export interface LossCheckGraph {
  /** The batch tensors to give, in draw order. */
  batch: BatchInput[];
  /** `loss` (the differentiated total), `loss.<term>`, and `grad.<parameter>` for every trained parameter. */
  outputs: Record<string, Tensor>;
  /** Constant inputs (the analytic teacher's mixture). */
  feeds: Record<string, Float64Array>;
  /** Parameter names the graph reads. */
  parameters: string[];
}

export function lossCheckGraph(
  method: Method,
  config: ExperimentConfig,
  params: Record<string, unknown>,
  stage: Stage<unknown>,
  teacher: TeacherKind,
): LossCheckGraph {
  if (config.condition)
    throw new StageError(
      'the loss check does not take class-labelled configs yet: remove the condition block, or check the unconditional model.',
    );
  const nets = networkInputs(method, config);
  const batch: BatchInput[] = [];
  const B = config.train.batch;
  let data: Tensor | null = null;
  if (stage.usesData ?? method.usesData) {
    data = input('data', [B, 2]);
    batch.push({ name: 'data', shape: [B, 2], dist: 'data' });
  }
  const random = (shape: Shape, dist: RandomDist) => {
    const name = `random.${batch.filter((b) => b.dist !== 'data').length}`;
    batch.push({ name, shape, dist });
    return input(name, shape);
  };
  const analytic = teacher === 'analytic' ? analyticTeacherFor(config.dataset) : undefined;
  const ctx = lossContext({
    method,
    config,
    params,
    current: { ...nets.inputs },
    teacher: analytic
      ? { kind: 'analytic', velocity: analytic.velocity }
      : { kind: teacher === 'network' ? 'network' : 'none' },
    data,
    random,
  });
  const loss = stage.main.buildLoss(ctx);
  const outputs: Record<string, Tensor> = { loss: loss.total };
  for (const [k, t] of Object.entries(loss.terms)) outputs[`loss.${k}`] = t;
  const trained = stage.main.trains.flatMap((net) =>
    nets.specs[net].map((s) => ({ name: `${net}.${s.name}`, t: nets.inputs[net][s.name] })),
  );
  const gs = grad(
    loss.total,
    trained.map((p) => p.t),
  );
  trained.forEach((p, i) => (outputs[`grad.${p.name}`] = gs[i]));
  const parameters = Object.entries(nets.inputs).flatMap(([net, ps]) =>
    Object.keys(ps).map((k) => `${net}.${k}`),
  );
  return { batch, outputs, feeds: analytic?.feeds ?? {}, parameters };
}
