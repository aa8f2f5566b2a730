/**
 * The networks of an experiment: their PyTorch parameter specs, graph inputs and seeded initial values.
 * Every network of a method is the flow network F(x, t, s) (src/nn) with the config's architecture.
 * Graph input names are `<network>.<torch name>` (e.g. `student.layers.0.weight`); the trainer's EMA
 * of the sampling network is `ema.<network>.<torch name>`.
 */
import { broadcastTo, constant, concat, type Tensor } from '../autodiff/index.ts';
import type { ConditionalFlowMapFn, FlowMapFn, Method, NetworkDecl } from '../methods/method.ts';
import {
  flowNet,
  flowNetSpec,
  initParams,
  paramInputs,
  type FlowNetOptions,
  type ParamSpec,
  type ParamTensors,
  type ParamValues,
} from '../nn/index.ts';
import { classCount } from './conditioning.ts';
import type { ExperimentConfig } from './config.ts';

export const netOptions = (config: ExperimentConfig): FlowNetOptions => ({
  timeFeatures: config.net.time,
  act: config.net.act,
});

export function networkSpec(decl: NetworkDecl, config: ExperimentConfig): ParamSpec[] {
  // A labelled run appends the one-hot class to every 'flowMap' network's inputs (conditioning.ts).
  const cond = decl.kind === 'conditionalFlowMap' ? (decl.condDim ?? 0) : classCount(config);
  const net = decl.depth ? { ...config.net, depth: decl.depth } : config.net;
  return flowNetSpec({ timeFeatures: config.net.time }, net, cond);
}

export const emaPrefix = (net: string) => `ema.${net}.`;
export const netPrefix = (net: string) => `${net}.`;

/** The network functions F(x, t, s) over given parameter tensors. */
export function bindFlowMap(params: ParamTensors, opts: FlowNetOptions): FlowMapFn {
  return (x: Tensor, t: Tensor, s: Tensor) => flowNet(params, x, t, s, opts);
}

export function bindConditional(params: ParamTensors, opts: FlowNetOptions): ConditionalFlowMapFn {
  return (x: Tensor, t: Tensor, s: Tensor, c: Tensor) => flowNet(params, x, t, s, opts, [c]);
}

export class UnconditionalSamplingError extends Error {
  override name = 'UnconditionalSamplingError';
}

/**
 * A network as a plain flow map F(x, t, s) for samplers and the field view: a conditional network is
 * bound at its declared `sampleCondition` (a constant row broadcast over the batch).
 */
export function bindForSampling(decl: NetworkDecl, params: ParamTensors, opts: FlowNetOptions): FlowMapFn {
  if (decl.kind !== 'conditionalFlowMap') return bindFlowMap(params, opts);
  const cond = decl.sampleCondition;
  if (!cond || cond.length !== (decl.condDim ?? 0))
    throw new UnconditionalSamplingError(
      `network '${decl.description}' is conditional and declares no sampleCondition of length ${decl.condDim}: give one to sample it unconditionally`,
    );
  const net = bindConditional(params, opts);
  return (x, t, s) => {
    const n = x.shape[0];
    const c = concat(
      cond.map((v) => broadcastTo(constant(v), [n, 1])),
      1,
    );
    return net(x, t, s, c);
  };
}

export interface NetworkSet {
  specs: Record<string, ParamSpec[]>;
  /** Parameter inputs by network, keyed by torch name. */
  inputs: Record<string, ParamTensors>;
}

export function networkInputs(method: Method, config: ExperimentConfig, prefix = netPrefix): NetworkSet {
  const specs: Record<string, ParamSpec[]> = {};
  const inputs: Record<string, ParamTensors> = {};
  for (const [name, decl] of Object.entries(method.networks)) {
    specs[name] = networkSpec(decl, config);
    inputs[name] = paramInputs(specs[name], prefix(name));
  }
  return { specs, inputs };
}

/**
 * Seeded initial values of every network, by graph input name. Network k of the method's declaration
 * order uses seed (config.seed + 1000 k); a network declared `copyOf` another (or an EMA of it) starts
 * as a copy of its source.
 */
export function initialNetworkValues(method: Method, config: ExperimentConfig): Record<string, Float64Array> {
  const fresh: Record<string, ParamValues> = {};
  const names = Object.keys(method.networks);
  names.forEach((name, k) => {
    fresh[name] = initParams(networkSpec(method.networks[name], config), config.seed + 1000 * k);
  });
  const sourceOf = (name: string): string => {
    const d = method.networks[name];
    if (d.emaOf) return sourceOf(d.emaOf.source);
    if (d.init !== 'fresh') return sourceOf(d.init.copyOf);
    return name;
  };
  const out: Record<string, Float64Array> = {};
  for (const name of names) {
    for (const [torch, v] of Object.entries(fresh[sourceOf(name)])) out[netPrefix(name) + torch] = v.slice();
  }
  return out;
}
