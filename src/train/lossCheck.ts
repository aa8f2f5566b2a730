/**
 * A method's loss on a batch whose randomness is ALL given: the data, the noise and the times become
 * named inputs instead of device random leaves, so a researcher can feed the same numbers to their own
 * PyTorch/JAX code and compare the loss terms and the gradient of the total with ours (docs/checking.md).
 * Inputs of a stage: `data` [B, 2], then the main optimiser group's `random.0`, `random.1`, ... in the
 * order the method draws them (each with its distribution: uniform on [0, 1) or standard normal), then
 * each further group's `<group>.random.k` (FreeFlow's and DMD's fake network). A class-conditional config
 * adds `label` [B, K] (the batch's one-hot classes; a zero row is the null class) and, for each group that
 * trains with label dropout, `<group prefix>dropout` [B, 1] uniforms (a row sees the null class where its
 * uniform is <= condition.dropout); the teacher is guided at condition.cfg.
 */
import { grad, greater, input, mul, type Tensor } from '../autodiff/index.ts';
import type { RandomDist, Shape } from '../autodiff/prims.ts';
import type { Method, Stage } from '../methods/method.ts';
import { analyticTeacherFor } from './analyticTeacher.ts';
import type { ExperimentConfig } from './config.ts';
import { classCount, TRAIN_CFG_INPUT } from './conditioning.ts';
import { networkInputs } from './networks.ts';
import type { TeacherKind } from './plan.ts';
import { lossContext } from './stageGraph.ts';
import { StageError } from './errors.ts';

export interface BatchInput {
  name: string;
  shape: Shape;
  /**
   * 'data' for dataset samples, 'label' for one-hot classes; otherwise the distribution the training
   * step would draw it from.
   */
  dist: RandomDist | 'data' | 'label';
}

export interface LossCheckGraph {
  /** The batch tensors to give, in draw order. */
  batch: BatchInput[];
  /**
   * `loss` (the main group's differentiated total), `loss.<term>`, `<group>.loss` and `<group>.loss.<term>`
   * for each further group, and `grad.<parameter>` for every parameter a group trains.
   */
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
  const nets = networkInputs(method, config);
  const batch: BatchInput[] = [];
  const B = config.train.batch;
  let data: Tensor | null = null;
  if (stage.usesData ?? method.usesData) {
    data = input('data', [B, 2]);
    batch.push({ name: 'data', shape: [B, 2], dist: 'data' });
  }
  const cond = config.condition;
  let label: Tensor | null = null;
  if (cond) {
    const k = classCount(config);
    label = input('label', [B, k]);
    batch.push({ name: 'label', shape: [B, k], dist: 'label' });
  }
  const analytic = teacher === 'analytic' ? analyticTeacherFor(config.dataset, cond?.labels) : undefined;
  if (label && teacher === 'analytic' && !analytic?.conditional)
    throw new StageError('a labelled run needs the class-conditional analytic field; this teacher has none.');
  const outputs: Record<string, Tensor> = {};
  // The main group first (`random.k`, `loss`, `loss.<term>`), then each extra group `g` with its own
  // draws `g.random.k` and outputs `g.loss`, `g.loss.<term>`; every group adds `grad.<parameter>` for
  // the networks it trains (one update of it, on the networks as the checkpoint holds them).
  for (const group of [stage.main, ...(stage.extra ?? [])]) {
    if (group !== stage.main && (group.updatesPerStep?.(params) ?? 1) === 0) continue;
    const prefix = group === stage.main ? '' : `${group.name}.`;
    let draws = 0;
    const random = (shape: Shape, dist: RandomDist) => {
      const name = `${prefix}random.${draws++}`;
      batch.push({ name, shape, dist });
      return input(name, shape);
    };
    let seen = label;
    if (label && group.labelDropout && cond!.dropout > 0) {
      const name = `${prefix}dropout`;
      batch.push({ name, shape: [B, 1], dist: 'uniform' });
      seen = mul(label, greater(input(name, [B, 1]), cond!.dropout));
    }
    const ctx = lossContext({
      method,
      config,
      params,
      current: { ...nets.inputs },
      teacher: analytic
        ? { kind: 'analytic', velocity: analytic.velocity, conditional: analytic.conditional }
        : { kind: teacher === 'network' ? 'network' : 'none' },
      data,
      random,
      label: seen,
      teacherLabel: label,
    });
    const loss = group.buildLoss(ctx);
    outputs[`${prefix}loss`] = loss.total;
    for (const [k, t] of Object.entries(loss.terms)) outputs[`${prefix}loss.${k}`] = t;
    const trained = group.trains.flatMap((net) =>
      nets.specs[net].map((s) => ({ name: `${net}.${s.name}`, t: nets.inputs[net][s.name] })),
    );
    const gs = grad(
      loss.total,
      trained.map((p) => p.t),
    );
    trained.forEach((p, i) => (outputs[`grad.${p.name}`] = gs[i]));
  }
  const parameters = Object.entries(nets.inputs).flatMap(([net, ps]) =>
    Object.keys(ps).map((k) => `${net}.${k}`),
  );
  const feeds: Record<string, Float64Array> = { ...(analytic?.feeds ?? {}) };
  if (cond) feeds[TRAIN_CFG_INPUT] = Float64Array.of(cond.cfg);
  return { batch, outputs, feeds, parameters };
}
