/**
 * The run of one experiment inside the worker: creates the session for a config (a burst of config changes -
 * a slider drag - creates one session, 250 ms after the last), records `stepsPerFrame` steps per frame while
 * playing, and reads back summaries four times a second and quality reports every few seconds, never waiting.
 */
import type { GpuContext } from '../engine/device.ts';
import { Runtime } from '../engine/runtime.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { QualityReport, TrainingSession } from '../train/session.ts';
import { spread } from '../train/floorSpread.ts';
import type { FromWorker } from '../state/protocol.ts';
import type { CreateSession, SessionStart } from './sessionFactory.ts';

const SUMMARY_EVERY_MS = 250;
const QUALITY_EVERY_MS = 3000;
/** A report costs CPU time in this worker (O(n^2) metrics): wait this many times its cost before the next. */
const QUALITY_COST_RATIO = 3;
/** Samples per quality report: the metrics are O(n^2) on the CPU (1024: about 0.5 s on a laptop core). */
const QUALITY_SAMPLES = 1024;
/** Data-vs-data pairs behind the quality plots' floor band (about 0.15 s a pair at 1,024 samples, once). */
const FLOOR_BAND_DRAWS = 6;
const REBUILD_DELAY_MS = 250;

/** Sliced W2 beyond which one-step samples have left the picture (every dataset lies within about +-4). */
const RUNAWAY_SW2 = 10;

/** Why a quality report shows a diverged model (samples far off or not finite), or null. */
export function runawaySamples(report: QualityReport): string | null {
  const sw2 = report.metrics.sw2?.['1'];
  const nonFinite = report.metrics.nonFinite?.['1'] ?? 0;
  if (nonFinite > 0.01) return `${(100 * nonFinite).toFixed(0)} % of the one-step samples are not finite`;
  if (sw2 !== undefined && !(sw2 <= RUNAWAY_SW2))
    return `the one-step samples flew off (sliced W2 ${sw2.toPrecision(3)} from the data, whose picture spans about ±4)`;
  return null;
}

export class Training {
  session: TrainingSession | null = null;
  private running = false;
  private stepsPerFrame = 8; // the store's default; the page sends its value on change
  private queuedSteps = 0;
  private generation = 0;
  private rebuild: ReturnType<typeof setTimeout> | null = null;
  private summaryInFlight = false;
  private qualityInFlight = false;
  private lastSummary = 0;
  private lastQuality = 0;
  private qualityStep = -1;
  private qualityCostMs = 0;
  private qualityReports = 0;
  private divergenceTold = false;
  private stepsPerSecond = 0;
  private draws: number[] = [];
  private fresh = false;
  /** One runtime for every session on this device: its pipeline cache and buffer pool outlive a session. */
  private readonly runtime: Runtime;

  constructor(
    private readonly gpu: GpuContext,
    private readonly create: CreateSession,
    private readonly post: (msg: FromWorker) => void,
  ) {
    this.runtime = new Runtime(gpu);
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * A new session for `config`, after a 250 ms debounce. `start` restores a snapshot (a lost device's run
   * goes on from it) and `play` starts training as soon as the session is built.
   */
  configure(config: ExperimentConfig, start?: SessionStart, play = false): void {
    const generation = ++this.generation;
    this.running = false;
    this.queuedSteps = 0;
    this.session?.dispose();
    this.session = null;
    this.postStatus();
    if (this.rebuild) clearTimeout(this.rebuild);
    this.rebuild = setTimeout(() => {
      this.rebuild = null;
      if (this.gpu.isLost()) return; // a new world on a new device builds the session
      this.create(this.gpu, config, { ...start, runtime: this.runtime }).then(
        (session) => {
          if (generation !== this.generation) return session.dispose();
          this.session = session;
          // a play pressed while the session was being built stands; `play` resumes a restored run
          this.running ||= play;
          this.fresh = true;
          this.qualityStep = -1;
          this.qualityReports = 0;
          this.divergenceTold = false;
          this.qualityCostMs = 0;
          this.postStatus();
        },
        (e: unknown) => {
          if (generation === this.generation && !this.gpu.isLost())
            this.post({
              type: 'notice',
              level: 'warning',
              text: `Could not build this experiment: ${e instanceof Error ? e.message : String(e)}`,
            });
        },
      );
    }, REBUILD_DELAY_MS);
  }

  /** Stops for good (a compare member removed): no session is built or kept. */
  dispose(): void {
    this.generation++;
    this.running = false;
    if (this.rebuild) clearTimeout(this.rebuild);
    this.rebuild = null;
    this.session?.dispose();
    this.session = null;
  }

  play(): void {
    this.running = true;
    this.postStatus();
  }

  pause(): void {
    this.running = false;
    this.lastQuality = 0; // a fresh quality report for the paused model
    this.postStatus();
  }

  stepOnce(steps: number): void {
    this.running = false;
    this.queuedSteps += steps;
  }

  setStepsPerFrame(steps: number): void {
    this.stepsPerFrame = Math.max(1, Math.min(1000, Math.round(steps)));
  }

  countDraw(now: number): void {
    this.draws.push(now);
    while (this.draws.length > 0 && this.draws[0] < now - 1000) this.draws.shift();
  }

  /** Called once per frame before drawing; true when the model changed (steps ran or a new session). */
  tick(now: number): boolean {
    const s = this.session;
    if (!s) return false;
    const fresh = this.fresh;
    this.fresh = false;
    // while a quality report samples the model, no steps are queued ahead of its read-backs
    const k = this.qualityInFlight ? 0 : (this.running ? this.stepsPerFrame : 0) + this.queuedSteps;
    if (!this.qualityInFlight) this.queuedSteps = 0;
    if (k > 0) s.run(k);
    if (this.running && s.done) {
      // every stage ran its steps: stop, and let the paused model get its final quality report
      this.pause();
      this.post({
        type: 'notice',
        level: 'info',
        text: `Training finished after ${s.step.toLocaleString('en-US')} steps. To train longer, raise "training steps" (a new run starts).`,
      });
    }
    if ((k > 0 || this.running) && now - this.lastSummary >= SUMMARY_EVERY_MS && !this.summaryInFlight) {
      this.lastSummary = now;
      this.readSummary(s);
    } else if (k > 0 && !this.running && !this.summaryInFlight) this.readSummary(s);
    if (
      s.step > 0 &&
      s.step !== this.qualityStep &&
      now - this.lastQuality >= Math.max(QUALITY_EVERY_MS, QUALITY_COST_RATIO * this.qualityCostMs) &&
      !this.qualityInFlight
    ) {
      this.lastQuality = now;
      this.readQuality(s);
    }
    return k > 0 || fresh;
  }

  private readSummary(s: TrainingSession): void {
    this.summaryInFlight = true;
    s.summary().then(
      (summary) => {
        this.summaryInFlight = false;
        if (s !== this.session) return;
        this.stepsPerSecond = summary.stepsPerSecond;
        if (summary.diverged) this.running = false;
        this.post({ type: 'summary', summary });
        this.postStatus();
      },
      (e: unknown) => {
        this.summaryInFlight = false;
        if (s === this.session) this.fail(e);
      },
    );
  }

  private readQuality(s: TrainingSession): void {
    this.qualityInFlight = true;
    this.qualityStep = s.step;
    const t0 = performance.now();
    s.quality(QUALITY_SAMPLES).then(
      (report) => {
        this.qualityInFlight = false;
        // the first report of a session compiles the samplers' pipelines: its time says nothing of the next
        if (this.qualityReports++ > 0) this.qualityCostMs = performance.now() - t0;
        this.lastQuality = performance.now();
        if (s !== this.session) return;
        this.post({ type: 'quality', report: this.withFloorBand(s, report) });
        this.postStatus(); // its buffer count without the report's read-backs
        const why = runawaySamples(report);
        if (why && !this.divergenceTold) this.diverge(s, why);
      },
      (e: unknown) => {
        this.qualityInFlight = false;
        if (s === this.session) this.fail(e); // a replaced session's report is no one's news
      },
    );
  }

  /** `report` with the floor's smallest..largest over FLOOR_BAND_DRAWS data pairs (drawn once per data and seed). */
  private withFloorBand(s: TrainingSession, report: QualityReport): QualityReport {
    return spread(report, s.config, FLOOR_BAND_DRAWS);
  }

  /** A run whose numbers stay finite but whose samples fly off: paused with a message; the config is kept. */
  private diverge(s: TrainingSession, why: string): void {
    this.running = false;
    this.divergenceTold = true;
    this.post({
      type: 'notice',
      level: 'warning',
      text: `Training diverged at step ${s.step.toLocaleString('en-US')}: ${why}. Training is paused and the experiment is kept: lower the learning rate (now ${s.config.train.lr}) and press reset.`,
    });
    this.postStatus();
  }

  private fail(e: unknown): void {
    this.running = false;
    // a read that failed because the device went away is the recovery's news, not a training failure
    if (this.gpu.isLost()) return;
    this.post({
      type: 'notice',
      level: 'warning',
      text: `Training stopped: ${e instanceof Error ? e.message : String(e)}`,
    });
    this.postStatus();
  }

  postStatus(): void {
    this.post({
      type: 'status',
      status: {
        running: this.running,
        step: this.session?.step ?? 0,
        stage: this.session?.stage ?? 'student',
        stepsPerSecond: this.running ? this.stepsPerSecond : 0,
        drawsPerSecond: this.draws.length,
        gpuBuffers: this.gpu.liveBuffers().count,
      },
    });
  }
}
