/**
 * The session's sampling programs, compiled once per (what, size) and cached: the model at an NFE, the
 * teacher's ODE, fresh data, the field F(x, t, s) on a grid. Each run first copies the parameters it
 * reads from the training step's arena, in the same command buffer.
 */
import type { CompiledStep } from '../autodiff/compile.ts';
import {
  graphInputs,
  input,
  reshape,
  sampleData,
  concat,
  matmul,
  slice,
  type Tensor,
} from '../autodiff/index.ts';
import type { Runtime } from '../engine/runtime.ts';
import type { Method, VelocityFn } from '../methods/method.ts';
import { datasetOf, type ExperimentConfig } from './config.ts';
import type { TeacherKind } from './plan.ts';
import { compileProgram, copyTensors } from './programs.ts';
import { CFG_INPUT, LABEL_INPUT, samplingLabels, type SampleCondition } from './conditioning.ts';
import {
  modelSampleGraph,
  sampledNet,
  NOISE_INPUT,
  samplingNoise,
  teacherSampleGraph,
  teacherVelocity,
} from './sampleGraph.ts';
import { ODE_T, ODE_X, odeStepGraph } from './odeProgram.ts';
import { guideStepGraph, NotMetaFlowMapError, posteriorGraph, type Estimator } from './mfmPrograms.ts';
import { diagonal } from '../methods/flow.ts';
import { SessionDisposedError } from './errors.ts';

/** Solver steps of the teacher's drawn trajectories (an unrolled graph; its samples use every step). */
export const TEACHER_PATH_STEPS = 16;

function modelVelocity(method: Method, config: ExperimentConfig, ema: boolean, n: number): VelocityFn {
  return diagonal(sampledNet(method, config, ema, n));
}

/** Philox stream of the data drawn for display (apart from training and reference streams). */
export const DISPLAY_DATA_STREAM = 0xd15;

export interface Program {
  step: CompiledStep;
  /** Parameter inputs it copies from the training step before each run. */
  params: string[];
  /** Steps per run (an ODE program replays one solver step). */
  repeat: number;
  /** Name of the result: 'samples' or the ODE state. */
  result: string;
  /** Input that takes the noise. */
  noise: string;
  /** The noise of an ODE program, written again before each run (its state ends as the samples). */
  odeNoise?: Float32Array;
  /** The graph's roots (to find its labelled-sampling inputs). */
  roots: Tensor[];
}

export interface SamplingContext {
  rt: Runtime;
  method: Method;
  config: ExperimentConfig;
  teacher: TeacherKind;
  analytic?: {
    velocity: VelocityFn;
    feeds: Record<string, Float64Array>;
    conditional?: (z: Tensor, t: Tensor, c: Tensor) => Tensor;
  };
  useEma: () => boolean;
}

export type SampleKind = number | 'teacher';

/** The trajectory [S, N, 2] as N polylines of S points ([N, S, 2]), by two transposing matmuls. */
function pathMajor(traj: Tensor, paths: number): Tensor {
  const [s, n] = traj.shape;
  const first = slice(traj, 1, 0, paths);
  const eye = input('paths.eye', [s, s]);
  const coord = (c: number) =>
    reshape(matmul(reshape(slice(first, 2, c, 1), [s, paths]), eye, { transA: true }), [paths, s, 1]);
  void n;
  return concat([coord(0), coord(1)], 2);
}

export class SamplingPrograms {
  private cache = new Map<string, Program>();
  private disposed = false;
  constructor(private readonly ctx: SamplingContext) {
    this.condition = { classIndex: -1, cfg: ctx.config.condition?.cfg ?? 1 };
  }

  private paramNames(outputs: Tensor[]): string[] {
    return [...graphInputs(outputs).keys()].filter(
      (k) =>
        k !== NOISE_INPUT &&
        k !== LABEL_INPUT &&
        k !== CFG_INPUT &&
        k !== ODE_X &&
        k !== ODE_T &&
        !k.startsWith('analytic.') &&
        !k.startsWith('field.') &&
        !k.startsWith('posterior.') &&
        !k.startsWith('guide.') &&
        k !== 'paths.eye',
    );
  }

  private get(
    key: string,
    build: () => {
      outputs?: Record<string, Tensor>;
      updates?: Record<string, Tensor>;
      feeds?: Record<string, ArrayLike<number>>;
      repeat?: number;
    },
  ): Program {
    if (this.disposed) throw new SessionDisposedError();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const { outputs, feeds, updates, repeat } = build();
    const roots = [...Object.values(outputs ?? {}), ...Object.values(updates ?? {})];
    const step = compileProgram(
      this.ctx.rt,
      { outputs, updates, feeds: { ...this.ctx.analytic?.feeds, ...feeds, ...this.conditionFeeds(roots) } },
      this.ctx.config.seed + 1,
    );
    const ode = updates !== undefined;
    const p: Program = {
      step,
      params: this.paramNames(roots),
      repeat: repeat ?? 1,
      result: ode ? ODE_X : 'samples',
      noise: ode ? ODE_X : NOISE_INPUT,
      roots,
    };
    if (ode) p.odeNoise = Float32Array.from(feeds?.[ODE_X] ?? []);
    this.cache.set(key, p);
    return p;
  }

  private graphOpts() {
    return {
      useEma: this.ctx.useEma(),
      teacher: this.ctx.teacher,
      analytic: this.ctx.analytic?.velocity,
      analyticConditional: this.ctx.analytic?.conditional,
    };
  }

  /** The class and guidance scale that labelled samplers draw (all classes, w = condition.cfg at first). */
  private condition: SampleCondition;

  /** The labels and guidance inputs of a labelled sampling program, for the current condition. */
  private conditionFeeds(roots: Tensor[]): Record<string, ArrayLike<number>> {
    const inputs = graphInputs(roots);
    const out: Record<string, ArrayLike<number>> = {};
    const label = inputs.get(LABEL_INPUT);
    if (label) out[LABEL_INPUT] = samplingLabels(this.ctx.config, label.shape[0], this.condition.classIndex);
    if (inputs.has(CFG_INPUT)) out[CFG_INPUT] = [this.condition.cfg];
    return out;
  }

  /** Draw one class (or all, -1) at guidance scale w from now on: every cached program is updated. */
  setCondition(c: SampleCondition): void {
    if (!this.ctx.config.condition) return;
    samplingLabels(this.ctx.config, 1, c.classIndex); // validates the class
    this.condition = { ...c };
    for (const p of this.cache.values()) {
      const feeds = this.conditionFeeds(p.roots);
      for (const [name, v] of Object.entries(feeds)) p.step.write(name, v);
    }
  }

  get sampleCondition(): SampleCondition {
    return { ...this.condition };
  }

  /**
   * The program that samples `kind` for n noise points (fixed noise of round 0 until `setNoise`). The
   * teacher replays one solver step `teacher.solverSteps` times; its trajectories (paths > 0) come from
   * an unrolled graph of at most TEACHER_PATH_STEPS steps.
   */
  sampler(kind: SampleKind, n: number, paths = 0): Program {
    const ema = this.ctx.useEma();
    const { method, config } = this.ctx;
    if (kind === 'teacher' && paths === 0) {
      return this.get(`ode|${n}|${ema}`, () => {
        const u =
          teacherVelocity(method, config, this.graphOpts(), n) ?? modelVelocity(method, config, ema, n);
        const steps = config.teacher.solverSteps;
        return {
          updates: odeStepGraph(u, n, steps, config.teacher.solver).updates,
          feeds: { [ODE_X]: samplingNoise(config.seed, 0, n), [ODE_T]: [1] },
          repeat: steps,
        };
      });
    }
    return this.get(`sample|${kind}|${n}|${paths}|${ema}`, () => {
      const pathConfig = {
        ...config,
        teacher: { ...config.teacher, solverSteps: Math.min(config.teacher.solverSteps, TEACHER_PATH_STEPS) },
      };
      const g =
        kind === 'teacher'
          ? teacherSampleGraph(method, pathConfig, n, this.graphOpts())
          : modelSampleGraph(method, config, n, kind, this.graphOpts());
      const outputs: Record<string, Tensor> = { samples: g.samples };
      const feeds: Record<string, ArrayLike<number>> = { [NOISE_INPUT]: samplingNoise(config.seed, 0, n) };
      if (paths > 0) {
        const s = g.trajectory.shape[0];
        outputs.paths = pathMajor(g.trajectory, paths);
        const eye = new Float32Array(s * s);
        for (let i = 0; i < s; i++) eye[i * s + i] = 1;
        feeds['paths.eye'] = eye;
      }
      return { outputs, feeds };
    });
  }

  /** One-step posterior samples of a Meta Flow Map given (t, x_t) (mfmPrograms.ts). */
  posteriorProgram(n: number): Program {
    return this.get(`posterior|${n}|${this.ctx.useEma()}`, () => ({
      outputs: { samples: posteriorGraph(this.ctx.method, this.ctx.config, n, this.ctx.useEma()) },
    }));
  }

  /** One reward-guided Euler step for m points with `mc` posterior samples each (mfmPrograms.ts). */
  guideProgram(m: number, mc: number, estimator: Estimator): Program {
    return this.get(`guide|${m}|${mc}|${estimator}|${this.ctx.useEma()}`, () => {
      const { method, config } = this.ctx;
      const u = teacherVelocity(method, config, this.graphOpts());
      if (!u) throw new NotMetaFlowMapError(method.id);
      return { outputs: { next: guideStepGraph(method, config, u, m, mc, estimator, this.ctx.useEma()) } };
    });
  }

  dataProgram(n: number): Program {
    return this.get(`data|${n}`, () => ({
      outputs: { data: sampleData(datasetOf(this.ctx.config), n, DISPLAY_DATA_STREAM) },
    }));
  }

  fieldProgram(points: number): Program {
    return this.get(`field|${points}|${this.ctx.useEma()}`, () => {
      const { method, config } = this.ctx;
      const F = sampledNet(
        method,
        config,
        this.ctx.useEma(),
        points,
      )(input('field.x', [points, 2]), input('field.t', [points, 1]), input('field.s', [points, 1]));
      return { outputs: { field: F } };
    });
  }

  /** Copies the parameters from `training` and records one run of `p`, then submits. */
  run(p: Program, training: CompiledStep): void {
    if (p.odeNoise) {
      p.step.write(ODE_X, p.odeNoise);
      p.step.write(ODE_T, [1]);
    }
    const enc = this.ctx.rt.device.createCommandEncoder({ label: 'sampling' });
    copyTensors(enc, training, p.step, p.params);
    p.step.encode(enc, p.repeat);
    this.ctx.rt.device.queue.submit([enc.finish()]);
  }

  /** Writes fresh noise of evaluation `round` into a sampler. */
  setNoise(p: Program, n: number, round: number): void {
    const noise = samplingNoise(this.ctx.config.seed, round, n);
    if (p.odeNoise) p.odeNoise = noise;
    else p.step.write(p.noise, noise);
  }

  view(p: Program, name: string) {
    return p.step.view(name);
  }

  /** Frees every program; a later draw throws SessionDisposedError instead of building one that would leak. */
  dispose(): void {
    this.disposed = true;
    for (const p of this.cache.values()) p.step.destroy();
    this.cache.clear();
  }
}
