/**
 * The TrainingSession (session.ts) over compiled programs: stages in order, the loss accumulator read
 * back a few times per second, divergence detection with the last good parameters kept, and sampling
 * programs that read the training step's parameters on the GPU.
 */
import { ProgramDestroyedError, type CompiledStep } from '../autodiff/compile.ts';
import type { GpuContext } from '../engine/device.ts';
import { Runtime } from '../engine/runtime.ts';
import type { Method } from '../methods/method.ts';
import { methodById } from '../methods/index.ts';
import { analyticTeacherFor, type AnalyticTeacher } from './analyticTeacher.ts';
import { datasetOf, type ExperimentConfig } from './config.ts';
import { DivergedError } from './errors.ts';
import { RateMeter, windowMean } from './lossWindow.ts';
import { emaPrefix } from './networks.ts';
import { planStages, totalSteps, type PlannedStage, type TeacherKind } from './plan.ts';
import { compileProgram } from './programs.ts';
import { DEFAULT_NFES, evalSeed, scoreSets, type ScoredSet } from './quality.ts';
import { readPoints } from './readPoints.ts';
import { resolvedParams } from './sampleGraph.ts';
import { SamplingPrograms, type SampleKind } from './sampling.ts';
import { guidedSamples, posteriorSamples, type GuideReward } from './mfmSampling.ts';
import type { Estimator } from './mfmPrograms.ts';
import { TRAIN_CFG_INPUT, type SampleCondition } from './conditioning.ts';
import type {
  ParameterSnapshot,
  PointSet,
  QualityReport,
  StageName,
  StepSummary,
  TrainingSession,
} from './session.ts';
import { ACC, buildStageGraph, type StageGraph } from './stageGraph.ts';
import { initialStateValues, networkValueNames, startOfStage } from './state.ts';

import type { Evaluation, SessionOptions } from './sessionOptions.ts';
export type { Evaluation, SessionOptions } from './sessionOptions.ts';
export type { GuideReward } from './mfmSampling.ts';

export class FlowSession implements TrainingSession {
  readonly rt: Runtime;
  readonly params: Record<string, unknown>;
  readonly plan: PlannedStage[];
  readonly totalSteps: number;
  private stageIndex = 0;
  private graph!: StageGraph;
  private program!: CompiledStep;
  private submitted = 0;
  private transition: Promise<void> | null = null;
  private disposed = false;
  private prevAcc: Float32Array | null = null;
  private rate = new RateMeter();
  private diverged: DivergedError | null = null;
  private lastGood: ParameterSnapshot | null = null;
  private pendingSnapshot: ParameterSnapshot | null = null;
  private lastSnapshotAt = 0;
  private evalRound = 0;
  /** Network values by input name, on the host: the state between stages. */
  private values: Record<string, Float32Array>;
  private analytic?: AnalyticTeacher;
  private sampling: SamplingPrograms;
  private snapshotInFlight: Promise<void> = Promise.resolve();
  /** Networks (and `ema.<net>`) whose values came from a checkpoint: never re-initialised by copies. */
  private loaded: Set<string>;
  /** Steps of the current stage that ran before this session (a resumed run): the accumulator counts from here. */
  private offset = 0;

  constructor(
    readonly gpu: GpuContext,
    readonly config: ExperimentConfig,
    readonly method: Method,
    opts: Omit<SessionOptions, 'method'> = {},
  ) {
    this.rt = opts.runtime ?? new Runtime(gpu);
    this.params = resolvedParams(method, config);
    this.plan = planStages(method, config, this.params, { teacherLoaded: opts.teacherLoaded });
    this.totalSteps = totalSteps(this.plan);
    const kind = this.teacherKind;
    if (kind === 'analytic') this.analytic = analyticTeacherFor(config.dataset, config.condition?.labels);
    this.values = initialStateValues(method, config, opts.initial);
    this.loaded = new Set(
      Object.keys(opts.initial ?? {}).map((k) =>
        k
          .split('.')
          .slice(0, k.startsWith('ema.') ? 2 : 1)
          .join('.'),
      ),
    );
    this.sampling = new SamplingPrograms({
      rt: this.rt,
      method,
      config,
      teacher: kind,
      analytic: this.analytic,
      useEma: () => this.useEma,
    });
    const at = Math.min(Math.max(0, opts.startStep ?? 0), this.totalSteps);
    let resumeStage = 0;
    this.plan.forEach((p, i) => {
      if (p.start <= at) resumeStage = i;
    });
    this.startStage(resumeStage, at);
    // resumed inside an earlier stage: later stages initialise their copies as an unbroken run would
    if (at > 0 && resumeStage < this.plan.length - 1) this.loaded = new Set();
  }

  get snapshot(): ParameterSnapshot | null {
    return this.lastGood;
  }

  get teacherKind(): TeacherKind {
    return this.plan.find((p) => p.teacher !== 'none')?.teacher ?? 'none';
  }

  private get useEma(): boolean {
    return (
      this.config.train.ema > 0 &&
      Object.keys(this.values).some((k) => k.startsWith(emaPrefix(this.method.sampleNetwork)))
    );
  }

  private get current(): PlannedStage {
    return this.plan[Math.min(this.stageIndex, this.plan.length - 1)];
  }

  get stage(): StageName {
    return this.current.stage.name;
  }

  get step(): number {
    return this.current.start + this.submitted;
  }

  get dispatchesPerStep(): number {
    return this.program.dispatchesPerStep;
  }

  /** True once every stage has run its steps. */
  get done(): boolean {
    return this.stageIndex >= this.plan.length - 1 && this.submitted >= this.current.steps;
  }

  private startStage(i: number, at?: number): void {
    this.stageIndex = i;
    const planned = this.current;
    this.values = startOfStage(this.method, this.config, planned, this.values, this.plan, this.loaded);
    this.graph = buildStageGraph(this.method, this.config, this.params, planned.stage, {
      teacher:
        planned.teacher === 'analytic'
          ? { kind: 'analytic', velocity: this.analytic!.velocity, conditional: this.analytic!.conditional }
          : { kind: planned.teacher },
      samplingEma: this.config.train.ema,
      steps: planned.steps,
    });
    const feeds: Record<string, ArrayLike<number>> = { ...this.analytic?.feeds };
    if (this.config.condition) feeds[TRAIN_CFG_INPUT] = [this.config.condition.cfg];
    for (const [name, v] of Object.entries(this.values)) feeds[name] = v;
    this.program?.destroy();
    this.program = compileProgram(
      this.rt,
      { updates: this.graph.updates, feeds },
      this.config.seed,
      at ?? planned.start,
    );
    this.offset = (at ?? planned.start) - planned.start;
    this.submitted = this.offset;
    this.prevAcc = null;
    this.rate.reset();
  }

  run(k: number): void {
    if (this.diverged || this.transition || k <= 0) return;
    const n = Math.min(k, this.current.steps - this.submitted);
    if (n > 0) {
      this.program.run(n);
      this.submitted += n;
    }
    if (this.submitted >= this.current.steps && this.stageIndex < this.plan.length - 1) {
      this.transition = this.nextStage().finally(() => (this.transition = null));
    }
  }

  private async nextStage(): Promise<void> {
    await this.snapshotInFlight; // its reads use the program that the next stage replaces
    this.values = await this.readNetworks();
    if (this.disposed) return; // a program compiled now would never be destroyed
    this.startStage(this.stageIndex + 1);
  }

  private hasInput(name: string): boolean {
    return this.program.has(name);
  }

  async summary(): Promise<StepSummary> {
    if (this.transition) await this.transition;
    const stage = this.stage;
    const base = this.current.start;
    const snapshotDue = !this.diverged && performance.now() - this.lastSnapshotAt > 2000;
    const acc = await this.program.read(ACC);
    const count = acc[acc.length - 1];
    const prev = this.prevAcc;
    const sums: Record<string, number> = {};
    this.graph.terms.forEach((t, i) => (sums[t] = acc[i] - (prev?.[i] ?? 0)));
    const steps = count - (prev?.[acc.length - 1] ?? 0);
    const { losses, nonFinite } = windowMean({ sums, steps });
    this.prevAcc = acc;
    const step = base + this.offset + count;
    const stepsPerSecond = this.rate.mark(step);
    if (nonFinite.length > 0 && !this.diverged) {
      this.diverged = new DivergedError(step, nonFinite, this.method.id);
      await this.restoreLastGood();
    } else if (!this.diverged) {
      // a snapshot read before this finite read is known good
      if (this.pendingSnapshot && this.pendingSnapshot.step <= step) this.lastGood = this.pendingSnapshot;
      if (snapshotDue) {
        this.snapshotInFlight = this.takeSnapshot(step).catch((e: unknown) => {
          // disposed (or its program replaced) while the read waited: the snapshot is simply not needed
          if (!(e instanceof ProgramDestroyedError) && !this.gpu.isLost())
            console.error(`snapshot of the parameters failed: ${String(e)}`);
        });
      }
    }
    return {
      step,
      stage,
      losses,
      stepsPerSecond,
      diverged: this.diverged !== null,
      message: this.diverged?.message,
    };
  }

  private async takeSnapshot(step: number): Promise<void> {
    this.lastSnapshotAt = performance.now();
    this.pendingSnapshot = null;
    const values = await this.readNetworks();
    this.pendingSnapshot = { step, values };
  }

  /** Every network tensor: read from the training program where it lives there, else the host copy. */
  private async readNetworks(): Promise<Record<string, Float32Array>> {
    const names = networkValueNames(this.values);
    const vals = await Promise.all(
      names.map((n) => (this.hasInput(n) ? this.program.read(n) : Promise.resolve(this.values[n]))),
    );
    return Object.fromEntries(names.map((n, i) => [n, vals[i]]));
  }

  /** Puts the last good parameters back, zeroes the optimiser state; the session stays paused. */
  private async restoreLastGood(): Promise<void> {
    const good = this.lastGood?.values ?? this.values;
    for (const [name, v] of Object.entries(good)) if (this.hasInput(name)) this.program.write(name, v);
    for (const [name, shape] of Object.entries(this.graph.zeroState))
      this.program.write(name, new Float32Array(shape.reduce((a, d) => a * d, 1)));
    this.prevAcc = null;
  }

  /** The error that paused the session, if it diverged. */
  get divergence(): DivergedError | null {
    return this.diverged;
  }

  /** Step of the parameters that `parameters()` returns after a divergence. */
  get lastGoodStep(): number {
    return this.lastGood?.step ?? this.current.start;
  }

  /** Continue after a divergence from the restored parameters (e.g. after lowering the learning rate in a new config). */
  resume(): void {
    this.diverged = null;
  }

  /**
   * Labelled runs: which class the samplers draw (-1: every class, each row from the class prior) and
   * the guidance scale w of guided samplers (the FM model, the teacher). Re-samples without recompiling.
   */
  setSampleCondition(c: SampleCondition): void {
    this.sampling.setCondition(c);
  }

  get sampleCondition(): SampleCondition {
    return this.sampling.sampleCondition;
  }

  samples(nfe: SampleKind, n: number): PointSet {
    const p = this.sampling.sampler(nfe, n);
    this.sampling.run(p, this.program);
    const v = this.sampling.view(p, p.result);
    return { buffer: v.buffer, offset: v.offset, count: n };
  }

  trajectories(nfe: SampleKind, paths: number): PointSet {
    const p = this.sampling.sampler(nfe, paths, paths);
    this.sampling.run(p, this.program);
    const v = this.sampling.view(p, 'paths');
    return { buffer: v.buffer, offset: v.offset, count: v.size / 2 };
  }

  data(n: number): PointSet {
    const p = this.sampling.dataProgram(n);
    this.sampling.run(p, this.program);
    const v = this.sampling.view(p, 'data');
    return { buffer: v.buffer, offset: v.offset, count: n };
  }

  field(t: number, s: number, grid: number, box: [number, number, number, number]): PointSet {
    const n = grid * grid;
    const p = this.sampling.fieldProgram(n);
    const x = new Float32Array(2 * n);
    const [x0, y0, x1, y1] = box;
    for (let j = 0; j < grid; j++) {
      for (let i = 0; i < grid; i++) {
        x[2 * (j * grid + i)] = x0 + ((i + 0.5) * (x1 - x0)) / grid;
        x[2 * (j * grid + i) + 1] = y0 + ((j + 0.5) * (y1 - y0)) / grid;
      }
    }
    p.step.write('field.x', x);
    p.step.write('field.t', new Float32Array(n).fill(t));
    p.step.write('field.s', new Float32Array(n).fill(s));
    this.sampling.run(p, this.program);
    const v = this.sampling.view(p, 'field');
    return { buffer: v.buffer, offset: v.offset, count: n };
  }

  /** Samples of `kind` from fresh noise of a new evaluation round, read back. */
  async freshSamples(kind: SampleKind, n: number, round: number): Promise<Float32Array> {
    const p = this.sampling.sampler(kind, n);
    this.sampling.setNoise(p, n, round);
    this.sampling.run(p, this.program);
    const out = await p.step.read(p.result);
    this.sampling.setNoise(p, n, 0); // the displayed picture keeps its fixed noise
    return out;
  }

  /** n one-step Meta Flow Map samples of p(x_0 | x_t = at) from the noise of evaluation `round`, read back. */
  async posterior(t: number, at: readonly [number, number], n: number, round = 0): Promise<Float32Array> {
    if (this.transition) await this.transition;
    return posteriorSamples(this.sampling, this.program, this.config.seed, { t, at, n, round });
  }

  /** m reward-guided samples (mfmSampling.ts guidedSamples) of `steps` Euler steps. */
  async guide(reward: GuideReward, estimator: Estimator, mc: number, m: number, steps: number, round = 0) {
    if (this.transition) await this.transition;
    return guidedSamples(this.sampling, this.program, this.config.seed, {
      reward,
      estimator,
      mc,
      m,
      steps,
      round,
    });
  }

  /**
   * Every NFE and the teacher, from fresh noise, scored against fresh data with the floor. The report is
   * of the step submitted when sampling starts: the samplers run after every submitted step in the queue's
   * order, whether or not a summary has read those steps back yet (a final report must not show an older step).
   */
  async evaluate(n: number, nfes: readonly number[] = DEFAULT_NFES, withTeacher = true): Promise<Evaluation> {
    if (this.transition) await this.transition;
    const step = this.step;
    const round = ++this.evalRound;
    const sets = new Map<string, Float32Array>();
    const kinds: SampleKind[] = [...nfes, ...(withTeacher ? (['teacher'] as const) : [])];
    for (const kind of kinds) sets.set(String(kind), await this.freshSamples(kind, n, round));
    const data = await readPoints(this.rt.device, this.data(n));
    const scored: ScoredSet[] = [...sets].map(([label, points]) => ({ label, points }));
    const report = scoreSets(datasetOf(this.config), scored, step, evalSeed(this.config.seed, round));
    return { report, sets, data };
  }

  async quality(samples: number): Promise<QualityReport> {
    return (await this.evaluate(samples)).report;
  }

  async parameters(): Promise<Map<string, Float32Array>> {
    if (this.transition) await this.transition;
    if (this.diverged && this.lastGood) return new Map(Object.entries(this.lastGood.values));
    return new Map(Object.entries(await this.readNetworks()));
  }

  dispose(): void {
    this.disposed = true;
    this.sampling.dispose();
    this.program.destroy();
  }
}

export async function createSession(
  gpu: GpuContext,
  config: ExperimentConfig,
  opts: SessionOptions = {},
): Promise<FlowSession> {
  const s = new FlowSession(gpu, config, opts.method ?? methodById(config.method), opts);
  await s.rt.ready();
  return s;
}
