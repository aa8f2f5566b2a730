/**
 * One training step of one stage as a graph: sample the batch on the device, build each optimiser group's
 * loss (the method's pure description), differentiate it with respect to the networks it trains, apply
 * AdamW, update EMA copies, and add every loss term into an accumulator. The result is a set of
 * `updates` (input name -> its value after the step) that the GPU compiler replays K times per submit.
 */
import {
  add,
  adam,
  concat,
  constant,
  grad,
  input,
  reshape,
  sampleData,
  sampleLabels,
  broadcastTo,
  type Tensor,
} from '../autodiff/index.ts';
import type { AdamParams, RandomDist, Shape } from '../autodiff/prims.ts';
import {
  streamCounter,
  type LossContext,
  type Method,
  type OptimizerGroup,
  type Stage,
  type VelocityFn,
} from '../methods/method.ts';
import { emaUpdate, paramList, type ParamTensors } from '../nn/index.ts';
import { datasetOf, type ExperimentConfig } from './config.ts';
import {
  DROPOUT_STREAM,
  dropLabels,
  guidedAnalyticVelocity,
  guidedNetworkVelocity,
  labelledNet,
  LABEL_STREAM,
  TRAIN_CFG_INPUT,
} from './conditioning.ts';
import { StageError } from './errors.ts';
import {
  bindConditional,
  bindFlowMap,
  emaPrefix,
  netOptions,
  networkInputs,
  type NetworkSet,
} from './networks.ts';

export const DATA_STREAM = 0;
/** Random streams of group g, update u start at 1 + STREAM_BLOCK (8 g + u): room for 256 leaves each. */
export const STREAM_BLOCK = 256;
export const ADAM_EPS = 1e-8;

/**
 * The loss accumulator: one input of shape [terms + 1] holding, since the stage began, the sum of each
 * term over the steps and (last element) the number of steps. One read gives consistent sums and count.
 */
export const ACC = 'acc';
export const stepName = (group: string) => `opt.${group}.step`;
export const momentName = (group: string, which: 'm' | 'v', input: string) =>
  `opt.${group}.${which}.${input}`;

/** Where the batch's randomness comes from: device leaves (training) or named inputs (the `loss` check). */
export interface BatchSource {
  data(batch: number): Tensor;
  /**
   * One-hot classes [batch, K] under a labelling: of the data batch's points when `withData`, else drawn
   * from the class prior alone (a data-free stage). Needed only by labelled configs.
   */
  labels?(batch: number, labelling: string, withData: boolean): Tensor;
  random(group: number, update: number): (shape: Shape, dist: RandomDist) => Tensor;
}

export const deviceBatch = (dataset: string): BatchSource => ({
  data: (batch) => sampleData(dataset, batch, DATA_STREAM),
  labels: (batch, labelling, withData) =>
    sampleLabels(dataset, labelling, batch, withData ? DATA_STREAM : LABEL_STREAM),
  random: (g, u) => streamCounter(1 + STREAM_BLOCK * (8 * g + u)),
});

/** How the teacher velocity is bound in a stage that reads it. */
export type TeacherBinding =
  | {
      kind: 'analytic';
      velocity: VelocityFn;
      /** The exact class-conditional field u(z, t | c), c one-hot [B, K] (0: unconditional). */
      conditional?: (z: Tensor, t: Tensor, c: Tensor) => Tensor;
    }
  | { kind: 'network' }
  | { kind: 'none' };

export interface StageGraph {
  stage: Stage<unknown>;
  nets: NetworkSet;
  /** Input name -> value after one step (parameters, moments, EMA, step counters, accumulators). */
  updates: Record<string, Tensor>;
  /** Loss-term names in accumulator order; the main group's total is `loss`. */
  terms: string[];
  /** Shapes of the optimiser-state inputs (moments, step counters, accumulators) that start at zero. */
  zeroState: Record<string, Shape>;
  /** Networks this stage trains. */
  trains: string[];
}

export interface StageGraphOptions {
  batch?: BatchSource;
  teacher: TeacherBinding;
  /** Keep an EMA of the sampling network with this decay (0: none). */
  samplingEma: number;
  /** The stage's planned steps: the horizon of a cosine learning-rate schedule (train.schedule). */
  steps: number;
}

/**
 * A group's AdamW settings: the config's train section, the method's overrides, and, for a cosine schedule, the
 * decay horizon in updates (the stage's steps times the group's updates per step).
 */
export function adamSettings(
  config: ExperimentConfig,
  group: OptimizerGroup<unknown>,
  params: unknown,
  stageSteps = 0,
): AdamParams {
  const t = config.train;
  const updates = group.updatesPerStep?.(params) ?? 1;
  const base: AdamParams = {
    lr: t.lr,
    beta1: t.beta1,
    beta2: t.beta2,
    eps: ADAM_EPS,
    weightDecay: t.weightDecay,
    clipNorm: t.clipNorm,
    decaySteps: t.schedule === 'cosine' ? stageSteps * updates : 0,
  };
  return { ...base, ...(group.optimizer?.(params) ?? {}) };
}

/** The ordered groups of a stage: extras marked 'before', the main group, extras marked 'after'. */
export function orderedGroups(stage: Stage<unknown>): OptimizerGroup<unknown>[] {
  const extra = stage.extra ?? [];
  return [
    ...extra.filter((g) => (g.order ?? 'before') === 'before'),
    stage.main,
    ...extra.filter((g) => g.order === 'after'),
  ];
}

export interface LossContextParts {
  method: Method;
  config: ExperimentConfig;
  params: unknown;
  current: Record<string, ParamTensors>;
  teacher: TeacherBinding;
  data: Tensor | null;
  random: (shape: Shape, dist: RandomDist) => Tensor;
  /** Labelled runs: the classes the networks see (null class on dropped rows) and the teacher's. */
  label?: Tensor | null;
  teacherLabel?: Tensor | null;
}

export function lossContext(p: LossContextParts): LossContext<unknown> {
  const opts = netOptions(p.config);
  const nets: LossContext<unknown>['nets'] = {};
  const condNets: LossContext<unknown>['condNets'] = {};
  for (const [name, decl] of Object.entries(p.method.networks)) {
    if (decl.kind === 'conditionalFlowMap') condNets[name] = bindConditional(p.current[name], opts);
    else
      nets[name] = p.label ? labelledNet(p.current[name], opts, p.label) : bindFlowMap(p.current[name], opts);
  }
  let teacher: VelocityFn | null = null;
  const tLabel = p.teacherLabel ?? p.label ?? null;
  const w = p.config.condition ? input(TRAIN_CFG_INPUT, [1]) : 1;
  if (p.teacher.kind === 'analytic') {
    teacher = p.teacher.velocity;
    if (tLabel) {
      if (!p.teacher.conditional)
        throw new StageError(
          'a labelled run needs the class-conditional analytic field; this teacher has none.',
        );
      teacher = guidedAnalyticVelocity(p.teacher.conditional, p.teacher.velocity, tLabel, w);
    }
  } else if (p.teacher.kind === 'network' && tLabel) {
    if (!p.current.teacher)
      throw new StageError(
        `method '${p.method.id}' declares no network 'teacher' to read the teacher velocity from.`,
      );
    teacher = guidedNetworkVelocity(p.current.teacher, opts, tLabel, w);
  } else if (p.teacher.kind === 'network') {
    const t = nets.teacher;
    if (!t)
      throw new StageError(
        `method '${p.method.id}' declares no network 'teacher' to read the teacher velocity from.`,
      );
    teacher = (x, time) => t(x, time, time);
  }
  return {
    params: p.params,
    batch: p.config.train.batch,
    dim: 2,
    data: p.data,
    random: p.random,
    nets,
    condNets,
    teacher,
  };
}

export function buildStageGraph(
  method: Method,
  config: ExperimentConfig,
  params: unknown,
  stage: Stage<unknown>,
  opts: StageGraphOptions,
): StageGraph {
  const nets = networkInputs(method, config);
  const batch = opts.batch ?? deviceBatch(datasetOf(config));
  const current: Record<string, ParamTensors> = { ...nets.inputs };
  const updates: Record<string, Tensor> = {};
  const zeroState: Record<string, Shape> = {};
  const terms: string[] = [];
  const trains = new Set<string>();
  const B = config.train.batch;
  const withData = stage.usesData ?? method.usesData;
  const data = withData ? batch.data(B) : null;
  const cond = config.condition;
  let labels: Tensor | null = null;
  if (cond) {
    if (!batch.labels)
      throw new StageError('a labelled config (condition) needs a batch source that gives labels.');
    labels = batch.labels(B, cond.labels, withData);
  }

  const accumulated: Tensor[] = [];
  const accumulate = (name: string, v: Tensor) => {
    accumulated.push(reshape(v, [1]));
    terms.push(name);
  };
  const emaNets = Object.entries(method.networks).filter(([, d]) => d.emaOf);

  orderedGroups(stage).forEach((group, g) => {
    const isMain = group === stage.main;
    const repeats = group.updatesPerStep?.(params) ?? 1;
    const settings = adamSettings(config, group, params, opts.steps);
    const stepIn = input(stepName(group.name), [1]);
    zeroState[stepName(group.name)] = [1];
    let step = stepIn;
    for (const net of group.trains) {
      if (!method.networks[net])
        throw new StageError(
          `group '${group.name}' trains '${net}', which method '${method.id}' does not declare.`,
        );
      if (method.networks[net].emaOf)
        throw new StageError(
          `group '${group.name}' trains '${net}', an EMA network (EMA networks follow their source).`,
        );
      trains.add(net);
    }
    const specs = group.trains.flatMap((net) =>
      nets.specs[net].map((s) => ({ net, s, input: `${net}.${s.name}` })),
    );
    const moments = (which: 'm' | 'v') =>
      specs.map(({ s, input: name }) => {
        zeroState[momentName(group.name, which, name)] = s.shape;
        return input(momentName(group.name, which, name), s.shape);
      });
    let m = moments('m');
    let v = moments('v');
    for (let u = 0; u < repeats; u++) {
      const ctx = lossContext({
        method,
        config,
        params,
        current,
        teacher: opts.teacher,
        data,
        random: batch.random(g, u),
        label:
          labels && group.labelDropout && cond!.dropout > 0
            ? dropLabels(labels, cond!.dropout, DROPOUT_STREAM + 16 * g + u)
            : labels,
        teacherLabel: labels,
      });
      const loss = group.buildLoss(ctx);
      const ps = group.trains.flatMap((net) => paramList(nets.specs[net], current[net]));
      const gs = grad(loss.total, ps);
      step = add(step, 1);
      const r = adam(ps, gs, m, v, step, settings);
      m = r.m;
      v = r.v;
      let k = 0;
      for (const net of group.trains) {
        const next: ParamTensors = {};
        for (const s of nets.specs[net]) next[s.name] = r.p[k++];
        current[net] = next;
      }
      for (const [emaNet, decl] of emaNets) {
        const src = decl.emaOf!.source;
        if (!group.trains.includes(src)) continue;
        const decay = Number((params as Record<string, unknown>)[decl.emaOf!.decayParam]);
        if (!(decay >= 0 && decay < 1))
          throw new StageError(
            `EMA network '${emaNet}' reads decay '${decl.emaOf!.decayParam}' = ${decay}; give a value in [0, 1).`,
          );
        const spec = nets.specs[emaNet];
        const next = emaUpdate(paramList(spec, current[emaNet]), paramList(spec, current[src]), decay);
        current[emaNet] = Object.fromEntries(spec.map((s, i) => [s.name, next[i]]));
      }
      if (u === repeats - 1) {
        const prefix = isMain ? '' : `${group.name}.`;
        accumulate(isMain ? 'loss' : `${group.name}.loss`, loss.total);
        for (const [name, t] of Object.entries(loss.terms)) accumulate(prefix + name, t);
      }
    }
    updates[stepName(group.name)] = step;
    specs.forEach(({ input: name }, i) => {
      updates[momentName(group.name, 'm', name)] = m[i];
      updates[momentName(group.name, 'v', name)] = v[i];
    });
  });

  const acc = input(ACC, [terms.length + 1]);
  zeroState[ACC] = [terms.length + 1];
  updates[ACC] = add(acc, concat([...accumulated, broadcastTo(constant(1), [1])], 0));

  for (const [net, ps] of Object.entries(current)) {
    if (ps === nets.inputs[net]) continue;
    for (const s of nets.specs[net]) updates[`${net}.${s.name}`] = ps[s.name];
  }
  const sampled = method.sampleNetwork;
  if (opts.samplingEma > 0 && trains.has(sampled)) {
    const spec = nets.specs[sampled];
    const emaIn = spec.map((s) => input(emaPrefix(sampled) + s.name, s.shape));
    const next = emaUpdate(emaIn, paramList(spec, current[sampled]), opts.samplingEma);
    spec.forEach((s, i) => (updates[emaPrefix(sampled) + s.name] = next[i]));
  }
  return { stage, nets, updates, terms, zeroState, trains: [...trains] };
}
