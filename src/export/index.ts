/**
 * Export an experiment as ONE self-contained PyTorch training script (docs/export.md): the network of
 * docs/checkpoints.md, the method's losses written from its formulas (src/export/methods), the time
 * samplers and hyperparameters of the experiment, its toy dataset and a hook for one's own data,
 * training on one device or several with torchrun (DDP), and `--loss-check` in the batch format of
 * docs/checking.md. Pure string building: it runs in the browser (the playground's Export button) and
 * in Node (`flowmap-lab export`).
 */
import { datasetMixture, mixtureClasses } from '../data/index.ts';
import { methodById, resolveParams, type Method } from '../methods/index.ts';
import type { ExperimentConfig } from '../train/config.ts';
import { classCount } from '../train/conditioning.ts';
import { planStages } from '../train/plan.ts';
import { adamSettings, orderedGroups } from '../train/stageGraph.ts';
import { METHOD_EXPORTERS, type MethodExporter } from './methods/index.ts';
import { DATA } from './python/data.ts';
import { DRIVER } from './python/driver.ts';
import { FLOW, FLOW_MATCHING, TEACHER } from './python/flow.ts';
import { PREAMBLE, SAFETENSORS } from './python/io.ts';
import { NETWORK } from './python/network.ts';

export { METHOD_EXPORTERS, type MethodExporter } from './methods/index.ts';

export class ExportUnsupportedError extends Error {
  override name = 'ExportUnsupportedError';
}

/** The ids of the methods that export. */
export const exportableMethods = (): string[] => METHOD_EXPORTERS.map((e) => e.id);

export function methodExporter(id: string): MethodExporter {
  const e = METHOD_EXPORTERS.find((x) => x.id === id);
  if (!e)
    throw new ExportUnsupportedError(
      `Method '${id}' has no PyTorch export yet. Exportable methods: ${exportableMethods().join(', ')}.`,
    );
  return e;
}

/** The file name the playground and the CLI suggest. */
export const exportFileName = (config: ExperimentConfig): string =>
  `train_${config.method}_${config.dataset}.py`;

/** The stages the script runs (the lab's plan), as a JSON-ready description. */
function stagesOf(
  method: Method,
  config: ExperimentConfig,
  params: Record<string, unknown>,
  ex: MethodExporter,
) {
  return planStages(method, config, params).map((planned) => {
    const stage = planned.stage;
    return {
      name: stage.name,
      steps: planned.steps,
      uses_data: stage.usesData ?? method.usesData,
      teacher: planned.teacher,
      reads: stage.reads,
      trains_teacher: stage.main.trains.includes('teacher'),
      groups: orderedGroups(stage).map((g) => {
        const key = `${stage.name}.${g.name}`;
        const loss = ex.losses[key] ?? (stage.name === 'teacher' ? 'teacher_loss' : undefined);
        if (!loss) throw new ExportUnsupportedError(`The ${ex.id} export has no loss for group ${key}.`);
        return {
          name: g.name,
          main: g === stage.main,
          label_dropout: g.labelDropout === true,
          trains: g.trains,
          loss,
          updates: g.updatesPerStep?.(params) ?? 1,
          ...adamSettings(config, g, params, planned.steps),
        };
      }),
    };
  });
}

/** The conditioning width of a conditional network as a Python expression of DIM (the exporter's, else the lab's). */
function conditionalWidth(ex: MethodExporter, name: string, labWidth: number): string {
  return ex.condDim?.[name] ?? String(labWidth);
}

const json = (v: unknown): string => JSON.stringify(v, null, 2);

/** The Python script for an experiment config (resolved: defaults filled). */
export function exportScript(config: ExperimentConfig): string {
  const ex = methodExporter(config.method);
  const method = methodById(config.method);
  const params = resolveParams(method, config.params);
  const full: ExperimentConfig = { ...config, params: params as ExperimentConfig['params'] };
  const stages = stagesOf(method, full, params, ex);
  const networks = Object.fromEntries(
    Object.entries(method.networks).map(([name, d]) => [
      name,
      {
        init: d.init === 'fresh' ? 'fresh' : d.init.copyOf,
        // a conditional network's input width beside (x, t, s), a Python expression of DIM; a labelled
        // run's flow networks take the one-hot class (CLASSES) instead
        cond_dim: d.kind === 'conditionalFlowMap' ? conditionalWidth(ex, name, d.condDim ?? 0) : 'CLASSES',
        depth: d.depth ?? null,
        ema_of: d.emaOf?.source ?? null,
        decay: d.emaOf?.decayParam ?? null,
        description: d.description,
      },
    ]),
  );
  const doc = String.raw`#!/usr/bin/env python3
"""${method.title} (arXiv ${method.paper}) on ${config.dataset}, exported from FlowMap Lab.

Objective: ${method.objective}
Convention: t = 0 data, t = 1 noise, z_t = (1 - t) x + t e, v = e - x, f(x, t, s) = x + (s - t) F(x, t, s).

  python train.py                                   # train on CPU or one GPU (the experiment's recipe)
  torchrun --nproc_per_node 8 train.py              # several GPUs (DistributedDataParallel)
  python train.py --init checkpoint.safetensors     # start from a lab checkpoint
  python train.py --data my_npy_folder              # your own data (see npy_folder_batches)
  python train.py --loss-check batch.safetensors --init checkpoint.safetensors
                                                    # loss terms and gradients, as flowmap-lab loss

PyTorch >= 1.13; numpy for writing files. docs/export.md of FlowMap Lab says what to change for images.
"""
`;
  const experiment = String.raw`
# ----------------------------------------------------------------------------------------------
# The experiment, as the lab ran it (its config; hyperparameters of the method in P).
# ----------------------------------------------------------------------------------------------
CONFIG = json.loads(r'''${json(full)}''')
P = CONFIG["params"]
METHOD = ${JSON.stringify(method.id)}
# class conditioning (null without): labelling, dropout (null-class share of label-dropout losses), cfg (w)
CONDITION = json.loads(r'''${JSON.stringify(full.condition ?? null)}''')
CLASSES = ${classCount(full)}  # the labelling's number of classes (0: unconditional)
# the Gaussian mixture the dataset is (the analytic teacher's; null for other data), and each component's class
MIXTURE = json.loads(r'''${JSON.stringify(datasetMixture(config.dataset))}''')
CLASS_OF_COMPONENT = json.loads(r'''${JSON.stringify(config.condition ? mixtureClasses(config.dataset, config.condition.labels) : null)}''')
DIM = 2  # the sample dimension: 2 for the lab's toy data; set from --data or --dim
SAMPLE_NETWORK = ${JSON.stringify(method.sampleNetwork)}
# every network F(x, t, s): init "fresh" or a copy of another at the start of the stage that first trains it;
# ema_of: an exponential moving average of another network with decay P[decay]
NETWORKS = json.loads(r'''${json(networks)}''')
# the stages in order; each optimiser group: the networks it trains, its loss function below, AdamW settings
STAGES = json.loads(r'''${json(stages)}''')
USES_DATA = any(s["uses_data"] for s in STAGES)
SAMPLER = ${JSON.stringify(ex.sampler)}  # after training: "ode" (Euler on F(x, t, t)), "flowMap" (jumps), "oneJump" or "custom" (custom_sample)
SAMPLE_EMA = ${ex.sampleEma === false ? 'False' : 'True'}  # sample with the EMA of SAMPLE_NETWORK when kept
DEFAULT_NFE = ${ex.defaultNfe ?? (ex.sampler === 'ode' ? 100 : 1)}
`;
  const methodPart = `
# ----------------------------------------------------------------------------------------------
# The objective of ${method.title}: one function per loss; .detach() is the paper's stop-gradient sg(.).
# ----------------------------------------------------------------------------------------------${ex.source}`;
  return [
    doc,
    PREAMBLE,
    experiment,
    SAFETENSORS,
    NETWORK,
    FLOW,
    TEACHER,
    FLOW_MATCHING,
    methodPart,
    DATA,
    DRIVER,
  ].join('\n');
}
