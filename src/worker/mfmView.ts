/**
 * The Meta Flow Maps views of the canvas: one-step posterior samples p(x_0 | x_t = point) at the t slider's
 * time, and reward-guided samples, each beside the exact answer where the data is a Gaussian mixture. The
 * exact sets are drawn as soon as the point or reward changes (float64, on this worker's CPU); the model's
 * are re-sampled from the session while it trains, one job at a time, paced by their cost, then uploaded to
 * small GPU buffers that the renderer draws like every other point set. Each job's distances to the exact
 * answer (with the exact-vs-exact floor) go to the page.
 */
import { datasetMixture, sampleMixture, samplePosterior, tiltedMixture } from '../data/index.ts';
import type { FromWorker, MfmScores } from '../state/protocol.ts';
import type { ViewSettings } from '../state/viewSettings.ts';
import { guideScores, posteriorScores } from '../train/mfmScores.ts';
import type { PointSet, TrainingSession } from '../train/session.ts';
import type { Layer, Rgba } from './renderer.ts';

export const MFM_COLORS = {
  posterior: [0.45, 0.2, 0.78, 0.6] as Rgba,
  exactPosterior: [0.0, 0.62, 0.3, 0.55] as Rgba,
  guided: [0.85, 0.15, 0.55, 0.6] as Rgba,
  exactTilted: [0.0, 0.62, 0.3, 0.55] as Rgba,
};

/** One-step posterior samples per point (the quality reports' sample size). */
export const POSTERIOR_SAMPLES = 1024;
/** Guided samples and Euler steps of the guided ODE (the steps of docs/results-mfm.md's table). */
export const GUIDE_SAMPLES = 256;
export const GUIDE_STEPS = 25;
/** A model re-sample waits this long after the last of its kind, and at least twice that job's cost. */
const POSTERIOR_EVERY_MS = 400;
const GUIDE_EVERY_MS = 1500;
const COST_RATIO = 2;

type Kind = 'posterior' | 'guide';

/** Points uploaded from the host into a GPU buffer of their own. */
class HostPoints {
  private buffer: GPUBuffer | null = null;
  count = 0;

  constructor(private readonly device: GPUDevice) {}

  set(xy: ArrayLike<number>): void {
    const data = Float32Array.from(xy);
    if (!this.buffer || this.buffer.size < data.byteLength) {
      this.buffer?.destroy();
      this.buffer = this.device.createBuffer({
        label: 'mfm points',
        size: Math.max(256, data.byteLength),
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST,
      });
    }
    this.device.queue.writeBuffer(this.buffer, 0, data);
    this.count = data.length / 2;
  }

  clear(): void {
    this.count = 0;
  }

  points(): PointSet | null {
    return this.buffer && this.count > 0 ? { buffer: this.buffer, offset: 0, count: this.count } : null;
  }

  dispose(): void {
    this.buffer?.destroy();
    this.buffer = null;
  }
}

interface JobState {
  key: string;
  step: number;
  doneAt: number;
  costMs: number;
}

const posteriorKey = (v: ViewSettings, dataset: string) =>
  v.posteriorAt ? `${dataset}|${v.fieldT}|${v.posteriorAt[0]},${v.posteriorAt[1]}` : '';
const guideKey = (v: ViewSettings, dataset: string) =>
  v.reward
    ? `${dataset}|${v.reward.a.join(',')}:${v.reward.y}:${v.reward.sigma}|${v.estimator ?? 'iwae'}|${v.mc ?? 8}`
    : '';

export class MfmView {
  private readonly sets: Record<'posterior' | 'exactPosterior' | 'guided' | 'exactTilted', HostPoints>;
  private session: TrainingSession | null = null;
  private busy = false;
  private generation = 0;
  private readonly jobs: Record<Kind, JobState> = {
    posterior: { key: '', step: -1, doneAt: 0, costMs: 0 },
    guide: { key: '', step: -1, doneAt: 0, costMs: 0 },
  };
  private exactKeys = { posterior: '', guide: '' };
  /** Set when a job's samples landed: the frame must be drawn again. */
  private landed = false;

  constructor(
    device: GPUDevice,
    private readonly post: (msg: FromWorker) => void,
  ) {
    this.sets = {
      posterior: new HostPoints(device),
      exactPosterior: new HostPoints(device),
      guided: new HostPoints(device),
      exactTilted: new HostPoints(device),
    };
  }

  /** Once per frame: exact sets for a new point or reward, and a model re-sample when one is due. */
  tick(session: TrainingSession | null, view: ViewSettings, now: number): boolean {
    let changed = this.landed;
    this.landed = false;
    if (session !== this.session) {
      this.session = session;
      this.generation++;
      this.busy = false;
      this.sets.posterior.clear();
      this.sets.guided.clear();
      this.jobs.posterior = { key: '', step: -1, doneAt: 0, costMs: 0 };
      this.jobs.guide = { key: '', step: -1, doneAt: 0, costMs: 0 };
      changed = true;
    }
    const mfm = session?.config.method === 'mfm' ? session : null;
    const dataset = mfm?.config.dataset ?? '';
    changed = this.updateExact(view, dataset) || changed;
    if (!mfm || !mfm.posterior || !mfm.guide || this.busy || mfm.step === 0 || mfm.stage !== 'student')
      return changed;
    const pk = posteriorKey(view, dataset);
    const gk = guideKey(view, dataset);
    if (!pk && this.sets.posterior.count > 0) {
      this.sets.posterior.clear();
      changed = true;
    }
    if (!gk && this.sets.guided.count > 0) {
      this.sets.guided.clear();
      changed = true;
    }
    const due = (kind: Kind, key: string, every: number) => {
      const j = this.jobs[kind];
      if (!key) return false;
      if (key !== j.key) return true;
      return mfm.step !== j.step && now - j.doneAt >= Math.max(every, COST_RATIO * j.costMs);
    };
    if (due('posterior', pk, POSTERIOR_EVERY_MS)) this.run(mfm, 'posterior', pk, view);
    else if (due('guide', gk, GUIDE_EVERY_MS)) this.run(mfm, 'guide', gk, view);
    return changed;
  }

  /** The exact posterior and tilted target of the view's point and reward (none off a Gaussian mixture). */
  private updateExact(view: ViewSettings, dataset: string): boolean {
    const gmm = dataset ? datasetMixture(dataset) : null;
    const pk = gmm && view.exact !== false ? posteriorKey(view, dataset) : '';
    const gk = gmm && view.exact !== false && view.reward ? `${dataset}|${JSON.stringify(view.reward)}` : '';
    let changed = false;
    if (pk !== this.exactKeys.posterior) {
      this.exactKeys.posterior = pk;
      if (pk && gmm && view.posteriorAt) {
        const [x, y] = view.posteriorAt;
        this.sets.exactPosterior.set(samplePosterior(gmm, x, y, view.fieldT, POSTERIOR_SAMPLES, 1));
      } else this.sets.exactPosterior.clear();
      changed = true;
    }
    if (gk !== this.exactKeys.guide) {
      this.exactKeys.guide = gk;
      if (gk && gmm && view.reward)
        this.sets.exactTilted.set(sampleMixture(tiltedMixture(gmm, view.reward), GUIDE_SAMPLES, 1));
      else this.sets.exactTilted.clear();
      changed = true;
    }
    return changed;
  }

  private run(session: TrainingSession, kind: Kind, key: string, view: ViewSettings): void {
    this.busy = true;
    const generation = this.generation;
    const step = session.step;
    const t0 = performance.now();
    const dataset = session.config.dataset;
    const job =
      kind === 'posterior'
        ? this.posteriorJob(session, view, dataset)
        : this.guideJob(session, view, dataset);
    job.then(
      ({ xy, scores, n }) => {
        if (generation !== this.generation) return;
        this.busy = false;
        const costMs = performance.now() - t0;
        this.jobs[kind] = { key, step, doneAt: performance.now(), costMs };
        this.sets[kind === 'posterior' ? 'posterior' : 'guided'].set(xy);
        this.landed = true;
        this.post({ type: 'mfm', kind, key, step, n, seconds: costMs / 1000, scores });
      },
      (e: unknown) => {
        if (generation !== this.generation) return;
        this.busy = false;
        this.jobs[kind] = { key, step, doneAt: performance.now(), costMs: 10_000 };
        this.post({
          type: 'notice',
          level: 'warning',
          text: `Meta Flow Maps ${kind === 'posterior' ? 'posterior' : 'guided'} samples failed: ${e instanceof Error ? e.message : String(e)}`,
        });
      },
    );
  }

  private async posteriorJob(session: TrainingSession, view: ViewSettings, dataset: string) {
    const at = view.posteriorAt!;
    const t = view.fieldT;
    const xy = await session.posterior!(t, at, POSTERIOR_SAMPLES, 0);
    const s = posteriorScores(dataset, t, at, Float64Array.from(xy));
    const scores: MfmScores | null = s && {
      gridTv: s.gridTv,
      energy: s.energy,
      floorTv: s.floorTv,
      floorEnergy: s.floorEnergy,
    };
    return { xy, scores, n: POSTERIOR_SAMPLES };
  }

  private async guideJob(session: TrainingSession, view: ViewSettings, dataset: string) {
    const reward = view.reward!;
    const estimator = view.estimator ?? 'iwae';
    const xy = await session.guide!(reward, estimator, view.mc ?? 8, GUIDE_SAMPLES, GUIDE_STEPS, 0);
    const s = guideScores(dataset, reward, Float64Array.from(xy));
    const scores: MfmScores | null = s && {
      sw2: s.sw2,
      mmd: s.mmd,
      floorSw2: s.floorSw2,
      floorMmd: s.floorMmd,
    };
    return { xy, scores, n: GUIDE_SAMPLES };
  }

  /** The layers to draw on top of the scene: exact answers under the model's. */
  layers(view: ViewSettings): Layer[] {
    const out: Layer[] = [];
    const add = (name: keyof typeof this.sets, show: boolean) => {
      const set = this.sets[name].points();
      if (show && set) out.push({ kind: 'points', set, color: MFM_COLORS[name], size: 3 });
    };
    const exact = view.exact !== false;
    add('exactTilted', exact && !!view.reward);
    add('guided', !!view.reward);
    add('exactPosterior', exact && !!view.posteriorAt);
    add('posterior', !!view.posteriorAt);
    return out;
  }

  dispose(): void {
    this.generation++;
    for (const s of Object.values(this.sets)) s.dispose();
  }
}
