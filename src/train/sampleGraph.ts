/**
 * Sampling as a graph: noise e [N, 2] (an input the host fills, so the same noise can be kept for a stable
 * picture or drawn fresh for an evaluation) to x_0 with the method's sampler at a step count, or with the
 * teacher's ODE solver. The network reads the sampling EMA's parameters when the run keeps one.
 */
import { input, type Tensor } from '../autodiff/index.ts';
import { normalAt } from '../engine/cpu/philox.ts';
import { odeSample } from '../methods/fm.ts';
import { diagonal } from '../methods/flow.ts';
import type { ConditionalFlowMapFn, FlowMapFn, Method, VelocityFn } from '../methods/method.ts';
import { resolveParams } from '../methods/index.ts';
import { paramInputs } from '../nn/index.ts';
import type { ExperimentConfig } from './config.ts';
import {
  CFG_INPUT,
  classCount,
  guidedAnalyticVelocity,
  LABEL_INPUT,
  samplingNet,
  trainedWithDropout,
} from './conditioning.ts';
import {
  bindConditional,
  bindForSampling,
  bindFlowMap,
  emaPrefix,
  netOptions,
  netPrefix,
  networkSpec,
} from './networks.ts';
import type { TeacherKind } from './plan.ts';

export const NOISE_INPUT = 'sample.noise';
/** Philox stream of sampling noise (apart from training streams and reference data). */
export const NOISE_STREAM = 0x5a3b1e;

export interface SampleGraph {
  samples: Tensor;
  /** [steps + 1, N, 2]. */
  trajectory: Tensor;
  nfe: number;
}

/** Noise of evaluation round `round`: N(0, I) from Philox (seed, NOISE_STREAM, round), [n, 2] row-major. */
export function samplingNoise(seed: number, round: number, n: number): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < out.length; i++) out[i] = normalAt(seed, NOISE_STREAM, round, i);
  return out;
}

export interface SampleGraphOptions {
  /** Read `ema.<net>.*` instead of `<net>.*`. */
  useEma: boolean;
  teacher: TeacherKind;
  analytic?: VelocityFn;
  /** Labelled runs: the exact class-conditional field of the analytic teacher. */
  analyticConditional?: (z: Tensor, t: Tensor, c: Tensor) => Tensor;
}

/** The teacher's velocity u_T(x, t) over its inputs (analytic or the 'teacher' network's diagonal). */
export function teacherVelocity(
  method: Method,
  config: ExperimentConfig,
  opts: SampleGraphOptions,
  n = 0,
): VelocityFn | null {
  const k = classCount(config);
  if (opts.teacher === 'analytic') {
    if (k === 0 || !opts.analytic) return opts.analytic ?? null;
    if (!opts.analyticConditional) return null;
    const label = input(LABEL_INPUT, [n, k]);
    return guidedAnalyticVelocity(opts.analyticConditional, opts.analytic, label, input(CFG_INPUT, [1]));
  }
  if (opts.teacher !== 'network') return null;
  const params = paramInputs(networkSpec(method.networks.teacher, config), netPrefix('teacher'));
  return diagonal(samplingNet(params, netOptions(config), config, n, true));
}

/** The sampled network over its parameter inputs (guided when it was trained with label dropout). */
export function sampledNet(method: Method, config: ExperimentConfig, useEma: boolean, n: number): FlowMapFn {
  const name = method.sampleNetwork;
  const spec = networkSpec(method.networks[name], config);
  const params = paramInputs(spec, useEma ? emaPrefix(name) : netPrefix(name));
  // A conditional network (Meta Flow Maps) samples at its declared condition; labels are for flow maps.
  if (method.networks[name].kind === 'conditionalFlowMap')
    return bindForSampling(method.networks[name], params, netOptions(config));
  return samplingNet(params, netOptions(config), config, n, trainedWithDropout(method, name));
}

/** The model's samples at `steps` sampler steps. */
export function modelSampleGraph(
  method: Method,
  config: ExperimentConfig,
  n: number,
  steps: number,
  opts: SampleGraphOptions,
): SampleGraph {
  const noise = input(NOISE_INPUT, [n, 2]);
  const nets: Record<string, FlowMapFn> = {};
  const condNets: Record<string, ConditionalFlowMapFn> = {};
  for (const [net, decl] of Object.entries(method.networks)) {
    const ps = paramInputs(networkSpec(decl, config), netPrefix(net));
    if (decl.kind === 'conditionalFlowMap') condNets[net] = bindConditional(ps, netOptions(config));
    else nets[net] = bindFlowMap(ps, netOptions(config));
  }
  const r = method.sample(
    {
      params: resolvedParams(method, config),
      net: sampledNet(method, config, opts.useEma, n),
      teacher: teacherVelocity(method, config, opts, n),
      nets,
      condNets,
    },
    noise,
    { steps, solver: 'euler' }, // NFE k = k Euler steps for a velocity model (FM); flow maps ignore the solver
  );
  return { samples: r.samples, trajectory: r.trajectory, nfe: r.nfe };
}

/**
 * The reference ODE sampler with `config.teacher.solverSteps` steps: the teacher's velocity for a
 * distillation method, or the model's own diagonal for a method without a teacher (FM: its many-step
 * samples; a flow map: its instantaneous velocity F(x, t, t)).
 */
export function teacherSampleGraph(
  method: Method,
  config: ExperimentConfig,
  n: number,
  opts: SampleGraphOptions,
): SampleGraph {
  const u = teacherVelocity(method, config, opts, n) ?? diagonal(sampledNet(method, config, opts.useEma, n));
  const r = odeSample(u, input(NOISE_INPUT, [n, 2]), config.teacher.solverSteps, config.teacher.solver);
  return { samples: r.samples, trajectory: r.trajectory, nfe: r.nfe };
}

/** The method's hyperparameters with defaults filled (config.params checked against its schema). */
export function resolvedParams(method: Method, config: ExperimentConfig): Record<string, unknown> {
  return resolveParams(method, config.params);
}
