/**
 * The host-side state of a run between stages: every network's parameters (and the sampling EMA) by
 * graph input name. Networks declared `copyOf` another, and EMA copies, are filled in at the start of the
 * first stage that trains or reads them (a student initialised from its trained teacher).
 */
import type { Method } from '../methods/method.ts';
import type { ExperimentConfig } from './config.ts';
import { emaPrefix, initialNetworkValues, netPrefix, networkSpec } from './networks.ts';
import type { PlannedStage } from './plan.ts';
import { orderedGroups } from './stageGraph.ts';

export class StateShapeError extends Error {
  override name = 'StateShapeError';
}

/** Seeded networks, overridden by `initial` (a checkpoint), plus the sampling EMA when the config keeps one. */
export function initialStateValues(
  method: Method,
  config: ExperimentConfig,
  initial?: Record<string, ArrayLike<number>>,
): Record<string, Float32Array> {
  const values: Record<string, Float32Array> = {};
  for (const [name, v] of Object.entries(initialNetworkValues(method, config)))
    values[name] = Float32Array.from(v);
  if (config.train.ema > 0) {
    const net = method.sampleNetwork;
    for (const s of networkSpec(method.networks[net], config))
      values[emaPrefix(net) + s.name] = values[netPrefix(net) + s.name].slice();
  }
  for (const [name, v] of Object.entries(initial ?? {})) {
    const have = values[name];
    if (!have) continue; // tensors of other methods or configs are ignored
    if (have.length !== v.length) {
      throw new StateShapeError(
        `'${name}' has ${v.length} values but this config's network needs ${have.length}: use the checkpoint's own config (width, depth, time features).`,
      );
    }
    values[name] = Float32Array.from(v);
  }
  return values;
}

const trainedIn = (p: PlannedStage) => orderedGroups(p.stage).flatMap((g) => g.trains);

/** `values` with copies made for networks first trained in `planned` (copyOf, EMA networks, the sampling EMA). */
export function startOfStage(
  method: Method,
  config: ExperimentConfig,
  planned: PlannedStage,
  values: Record<string, Float32Array>,
  plan?: readonly PlannedStage[],
  loaded: ReadonlySet<string> = new Set(),
): Record<string, Float32Array> {
  const out = { ...values };
  // A network is filled in at the first stage that USES it: trains it, or reads it frozen (TMD's trunk,
  // a copy of the teacher, is read by the head's pretraining before stage 2 trains it).
  const usedIn = (p: PlannedStage) => [...trainedIn(p), ...p.stage.reads];
  const earlier = new Set((plan ?? []).filter((p) => p.start < planned.start).flatMap(usedIn));
  const firstTime = [...new Set(usedIn(planned))].filter((n) => !earlier.has(n) && !loaded.has(n));
  const copyNet = (from: string, toPrefix: string) => {
    for (const s of networkSpec(method.networks[from], config))
      out[toPrefix + s.name] = out[netPrefix(from) + s.name].slice();
  };
  for (const net of firstTime) {
    const init = method.networks[net].init;
    if (init !== 'fresh') copyNet(init.copyOf, netPrefix(net));
  }
  for (const [name, decl] of Object.entries(method.networks)) {
    if (decl.emaOf && firstTime.includes(decl.emaOf.source) && !loaded.has(name))
      copyNet(decl.emaOf.source, netPrefix(name));
  }
  const sampled = method.sampleNetwork;
  if (config.train.ema > 0 && firstTime.includes(sampled) && !loaded.has(`ema.${sampled}`))
    copyNet(sampled, emaPrefix(sampled));
  return out;
}

/** Names of the network tensors in a state (what checkpoints hold). */
export const networkValueNames = (values: Record<string, Float32Array>) => Object.keys(values).sort();
