/**
 * The Method interface: a training objective as a PURE DESCRIPTION - its networks, stages, time
 * sampler, loss graph per stage, extra optimiser groups, sampler and hyperparameter schema.
 * Convention (one for the project): t = 0 data, t = 1 noise, z_t = (1 - t) x + t e, v = e - x,
 * flow map f(x, t, s) = x + (s - t) F(x, t, s); F is fed (x, t, t - s) by the network.
 * A method never imports data, train, state or React; the trainer binds networks and the teacher.
 */
import type { z } from 'zod';
import type { Tensor } from '../autodiff/graph.ts';
import { random as randomLeaf } from '../autodiff/ops.ts';
import type { AdamParams, RandomDist, Shape } from '../autodiff/prims.ts';

/** F(x, t, s): the average velocity from time t to time s. x [B, d]; t and s [B, 1]. Returns [B, d]. */
export type FlowMapFn = (x: Tensor, t: Tensor, s: Tensor) => Tensor;

/** u(x, t): an instantaneous velocity field. x [B, d]; t [B, 1]. Returns [B, d]. */
export type VelocityFn = (x: Tensor, t: Tensor) => Tensor;

/** A conditional flow map (Meta Flow Maps, TMD head): F(x, t, s; c) with c [B, condDim]. */
export type ConditionalFlowMapFn = (x: Tensor, t: Tensor, s: Tensor, c: Tensor) => Tensor;

export type OdeSolver = 'euler' | 'midpoint' | 'heun';

/** How a network is made. Every network is an MLP with the config's `net` architecture unless overridden. */
export interface NetworkDecl {
  /** One line for the UI and the checkpoint: what this network is. */
  description: string;
  /**
   * 'flowMap': F(x, t, s) fed (x, t, t - s) (FM uses it on the diagonal s = t).
   * 'conditionalFlowMap': the same with `condDim` extra inputs (Meta Flow Maps, TMD head).
   */
  kind: 'flowMap' | 'conditionalFlowMap';
  condDim?: number;
  /** Hidden layers, overriding the config's `net.depth` (TMD's light 2-layer head). */
  depth?: number;
  /**
   * A conditional network's conditioning under which it is a plain flow map F(x, t, s) (Meta Flow Maps:
   * (t, x_t) = (1, 0), where the posterior is the prior). Samplers and the field view bind it so; a
   * conditional network without one cannot be sampled unconditionally.
   */
  sampleCondition?: readonly number[];
  /** Initial weights: fresh (seeded init) or a copy of another network at the start of the stage that first trains it. */
  init: 'fresh' | { copyOf: string };
  /**
   * An EMA of another network, updated after each optimiser step of `source`:
   * p <- decay p + (1 - decay) p_source, with decay read from hyperparameter `decayParam`.
   * An EMA network is never trained by gradients.
   */
  emaOf?: { source: string; decayParam: string };
}

/** The shared inputs of every loss graph of a stage. */
export interface LossContext<P> {
  /** The method's hyperparameters, resolved (defaults filled, validated). */
  params: P;
  /** Batch size B of this step. */
  batch: number;
  /** Data dimension (2 for the toy datasets). */
  dim: number;
  /** Data samples x [B, dim] (ops.sampleData); null when the method declares `usesData: false`. */
  data: Tensor | null;
  /** A fresh counter-based random leaf with a stream of its own (uniform or standard normal). */
  random(shape: Shape, dist: RandomDist): Tensor;
  /** Every declared network, bound to its parameter inputs (trained or frozen as the stage says). */
  nets: Record<string, FlowMapFn>;
  /** Conditional networks (kind 'conditionalFlowMap'), bound likewise. */
  condNets: Record<string, ConditionalFlowMapFn>;
  /**
   * The teacher's velocity u_T(x, t): the analytic Gaussian-mixture field (a graph) or the frozen
   * 'teacher' network on its diagonal F_T(x, t, t). Gradients may flow through its INPUT (never
   * into its parameters). Null for methods without a teacher.
   */
  teacher: VelocityFn | null;
}

/** A loss graph: the scalar that is differentiated, and named scalar terms to display. */
export interface StepLoss {
  total: Tensor;
  terms: Record<string, Tensor>;
}

/**
 * A set of networks optimised by one loss. A stage has one main group and may have extra groups
 * (FreeFlow's fake FM net; DMD's fake score updated several times per generator step).
 */
export interface OptimizerGroup<P> {
  name: string;
  /** Networks whose parameters this loss updates. */
  trains: string[];
  /** Adam settings that override the config's `train` block (e.g. TVM betas (0.9, 0.95)). */
  optimizer?(params: P): Partial<AdamParams>;
  /** Updates of this group per training step (the main group: 1). */
  updatesPerStep?(params: P): number;
  /**
   * With class conditioning: this loss trains the unconditional branch too (CFG training), so its
   * networks see the null class on `condition.dropout` of the rows (Flow Matching, the FM teacher).
   */
  labelDropout?: boolean;
  /** 'before' the main group (DMD2's fake score) or 'after' it. Default 'before'. */
  order?: 'before' | 'after';
  buildLoss(ctx: LossContext<P>): StepLoss;
}

export interface Stage<P> {
  /** 'pretrain': a stage between the teacher and the student (TMD's transition-matching pretraining). */
  name: 'teacher' | 'pretrain' | 'student';
  /** One line for the UI. */
  description: string;
  /**
   * Which step budget counts this stage: the config's teacher.steps or train.steps, or an integer
   * hyperparameter of the method (`{ param: 'pretrainSteps' }`).
   */
  steps: 'teacher' | 'train' | { param: string };
  /**
   * Whether this stage's losses read ctx.data; default: the method's `usesData`. The FM teacher stage
   * of a data-free method (FreeFlow) sets true: the teacher needs data, the student does not.
   */
  usesData?: boolean;
  /** Skipped when the teacher is analytic (the teacher stage of a distillation method). */
  skipWithAnalyticTeacher?: boolean;
  /** Networks read but not trained in this stage (frozen), besides those trained by its groups. */
  reads: string[];
  /** The main objective. */
  main: OptimizerGroup<P>;
  /** Further objectives, each with its own optimiser state. */
  extra?: OptimizerGroup<P>[];
}

/** What a sampler produces from noise e [N, d] at t = 1. */
export interface SampleResult {
  /** x_0 [N, d]. */
  samples: Tensor;
  /** All intermediate points, [steps + 1, N, d], from e (row 0) to x_0 (last row). */
  trajectory: Tensor;
  /** Network evaluations per sample. */
  nfe: number;
}

export interface SampleRequest {
  /** Flow-map jumps, or ODE steps for an instantaneous-velocity model. */
  steps: number;
  /** ODE solver for velocity models (FM); flow maps ignore it. */
  solver?: OdeSolver;
}

/** What a sampler reads: the network to sample with (the trainer binds EMA weights if enabled). */
export interface SampleContext<P> {
  params: P;
  net: FlowMapFn;
  teacher: VelocityFn | null;
  /**
   * Every declared network on its current (not EMA) parameters, for samplers that read more than one
   * (TMD's trunk and head); the trainer always binds them.
   */
  nets?: Record<string, FlowMapFn>;
  condNets?: Record<string, ConditionalFlowMapFn>;
}

export interface Method<S extends z.ZodObject = z.ZodObject> {
  id: string;
  title: string;
  /** arXiv id of the paper the objective comes from. */
  paper: string;
  /** arXiv ids of further papers whose variants the method offers (DMD: DMD and VSD beside DMD2). */
  related?: readonly string[];
  /** The loss in one line, in the project's convention. */
  objective: string;
  /** Hyperparameters with official defaults, bounds and .describe() texts (the UI builds controls from it). */
  schema: S;
  /** False for data-free methods (FreeFlow): ctx.data is null in its stages unless a stage says otherwise. */
  usesData: boolean;
  /**
   * Whether a teacher velocity (analytic or trained FM) is needed with these hyperparameters. When
   * false the trainer skips the stages named 'teacher' and binds ctx.teacher = null.
   */
  needsTeacher(params: z.infer<S>): boolean;
  networks: Record<string, NetworkDecl>;
  /**
   * True when every network may take a class label (the trainer binds each 'flowMap' network to the
   * batch's one-hot class and the teacher to its guided velocity). Absent: the method is unconditional
   * only, and a config with a condition block is refused.
   */
  supportsLabels?: boolean;
  /** The network that the sampler reads (its EMA if the trainer keeps one). */
  sampleNetwork: string;
  stages: Stage<z.infer<S>>[];
  /** x_0 from noise e [N, d] at the requested step count. */
  sample(ctx: SampleContext<z.infer<S>>, noise: Tensor, req: SampleRequest): SampleResult;
}

/** A helper that keeps the schema's type attached to the method (no cast at each definition). */
export const defineMethod = <S extends z.ZodObject>(m: Method<S>): Method<S> => m;

/** Allocates stream ids for random leaves; the trainer and tests share this way of numbering. */
export function streamCounter(first: number): (shape: Shape, dist: RandomDist) => Tensor {
  let next = first;
  return (shape, dist) => randomLeaf(shape, dist, next++);
}
