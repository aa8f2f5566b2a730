/**
 * The playground's worker: owns the GPUDevice, the training session and the frame loop. Each frame it records
 * a few training steps (one submit, no wait), draws the scene from GPU buffers, and a few times per second
 * reads back a summary for the page. Frames are paced by the GPU: while the previous frame's work is still
 * queued, no new steps are recorded, so a slow (software) GPU never builds up a backlog.
 */
import { acquireGpu, NoAdapterError, type DeviceLostError, type GpuContext } from '../engine/index.ts';
import { viewBox, viewMatrix } from '../state/camera.ts';
import { datasetOf, type ExperimentConfig } from '../train/config.ts';
import type { PointSet, TrainingSession } from '../train/session.ts';
import { DataPoints } from './dataPoints.ts';
import type { FromWorker, ToWorker, ViewSettings } from '../state/protocol.ts';
import { MfmView } from './mfmView.ts';
import { Renderer, type ClassLabels } from './renderer.ts';
import { sceneLayers, COLORS } from './scene.ts';
import { loadCreateSession, NO_TRAINING_NOTE, type CreateSession } from './sessionFactory.ts';
import { canvasSurface, probeCanvasPresents, readbackSurface, type Surface } from './surface.ts';
import { Training } from './training.ts';

const post = (msg: FromWorker) => (self as unknown as Worker).postMessage(msg);

interface World {
  gpu: GpuContext;
  renderer: Renderer;
  surface: Surface;
  data: DataPoints;
  training: Training | null;
  /** Meta Flow Maps: posterior and reward-guided samples beside the exact answers */
  mfm: MfmView;
  config: ExperimentConfig;
  view: ViewSettings;
}

let world: World | null = null;
const early: ToWorker[] = [];
const raf: (cb: () => void) => void =
  typeof (self as { requestAnimationFrame?: unknown }).requestAnimationFrame === 'function'
    ? (cb) => (self as unknown as { requestAnimationFrame(cb: () => void): number }).requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16);

/** What the page handed over once: kept to rebuild everything on a new device after a loss. */
let init: Extract<ToWorker, { type: 'init' }> | null = null;
/** `?debug=lose-device`: the device is destroyed once, when training passes this step. */
const LOSE_DEVICE_AT_STEP = 40;
let loseDeviceArmed = false;
let recoveries = 0;
/** A device lost again and again is not recovered forever: the overlay asks for a reload. */
const MAX_RECOVERIES = 3;

async function start(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
  init = msg;
  loseDeviceArmed = msg.debug === 'lose-device';
  let gpu: GpuContext;
  try {
    gpu = await acquireGpu();
  } catch (e) {
    post({
      type: 'fatal',
      kind: e instanceof NoAdapterError ? 'no-webgpu' : 'error',
      message: e instanceof Error ? e.message : String(e),
    });
    return;
  }
  msg.canvas.width = msg.width;
  msg.canvas.height = msg.height;
  await buildWorld(gpu, msg.config, msg.view);
  world?.training?.configure(msg.config);
  for (const m of early.splice(0)) handle(m);
  raf(frame);
}

/** Renderer, surface, data and training on `gpu`; tells the page it is ready. */
async function buildWorld(gpu: GpuContext, config: ExperimentConfig, view: ViewSettings): Promise<World> {
  const msg = init!;
  gpu.lost.then((err) => void recover(gpu, err));
  const renderer = new Renderer(gpu.device);
  // A software adapter is not trusted to present even when the probe passes: it may stay transparent.
  const presents =
    !msg.forceReadback &&
    gpu.adapter.kind === 'hardware' &&
    (await probeCanvasPresents(gpu.device, renderer));
  const onError = (e: unknown) =>
    !gpu.isLost() &&
    post({
      type: 'notice',
      level: 'warning',
      text: `Drawing failed: ${e instanceof Error ? e.message : String(e)}`,
    });
  const surface = presents
    ? canvasSurface(gpu.device, msg.canvas)
    : readbackSurface(gpu.device, msg.canvas, onError);
  const createSession: CreateSession | null = await loadCreateSession();
  world = {
    gpu,
    renderer,
    surface,
    data: new DataPoints(gpu),
    training: createSession ? new Training(gpu, createSession, post) : null,
    mfm: new MfmView(gpu.device, post),
    config,
    view,
  };
  post({
    type: 'ready',
    adapter: gpu.adapter.line,
    software: gpu.adapter.kind !== 'hardware',
    renderPath: surface.path,
    training: world.training !== null,
    trainingNote: world.training ? '' : NO_TRAINING_NOTE,
  });
  return world;
}

/**
 * The device was lost (a driver reset, or the debug hook): say so, acquire a new device, rebuild the world and
 * restore the last parameter snapshot (host memory) and the experiment; training goes on if it was running.
 */
async function recover(lost: GpuContext, err: DeviceLostError): Promise<void> {
  const w = world;
  if (!w || w.gpu !== lost) return; // destroyed by us on purpose, or already replaced
  const snapshot = w.training?.session?.snapshot ?? null;
  const wasRunning = w.training?.isRunning ?? false;
  world = null; // frames stop; the page's messages wait in `early`
  dataCache = null;
  framesInFlight = 0;
  if (++recoveries > MAX_RECOVERIES) {
    post({ type: 'fatal', kind: 'device-lost', message: err.message });
    return;
  }
  const from = snapshot ? `the parameters of step ${snapshot.step.toLocaleString('en-US')}` : 'the start';
  post({
    type: 'notice',
    level: 'warning',
    text: `The GPU device was lost (${err.reason}). Getting a new device and going on from ${from}...`,
  });
  let gpu: GpuContext;
  try {
    gpu = await acquireGpu();
  } catch (e) {
    post({ type: 'fatal', kind: 'device-lost', message: `${err.message} (${String(e)})` });
    return;
  }
  const next = await buildWorld(gpu, w.config, w.view);
  const start = snapshot ? { initial: snapshot.values, startStep: snapshot.step } : undefined;
  next.training?.configure(w.config, start, wasRunning);
  post({
    type: 'notice',
    level: 'info',
    text: `Recovered on a new GPU device: the experiment goes on from ${from} (optimiser moments restart from zero).`,
  });
  for (const m of early.splice(0)) handle(m);
}

let dataCache: { session: TrainingSession; n: number; set: PointSet } | null = null;

/**
 * The session's data samples, drawn once per session and size; the dataset kernel's before a session exists
 * and in every labelled run (there with the labels of the same draws, `dataLabels`).
 */
function dataPoints(w: World, session: TrainingSession | null): PointSet {
  const n = w.view.points;
  if (!session || w.config.condition) return w.data.points(datasetOf(w.config), w.config.seed, n);
  if (dataCache?.session !== session || dataCache.n !== n) dataCache = { session, n, set: session.data(n) };
  return dataCache.set;
}

/** A labelled run's data labels, for the class colours of the data layer (null: unlabelled). */
function dataLabels(w: World): ClassLabels | null {
  const cond = w.config.condition;
  if (!cond) return null;
  return w.data.labels(datasetOf(w.config), cond.labels, w.config.seed, w.view.points);
}

let framesInFlight = 0;
let animationStart = performance.now();
/** Something on screen changed since the last frame: an idle page draws nothing and leaves the CPU alone. */
let dirty = true;

let appliedCondition: { session: TrainingSession; key: string } | null = null;

/** Labelled runs: the class and live guidance scale the samplers draw, set when they change. */
function applySampleCondition(session: TrainingSession | null, view: ViewSettings): void {
  const cond = session?.config.condition;
  if (!session || !cond || !session.setSampleCondition) return;
  const c = { classIndex: view.sampleClass ?? -1, cfg: view.guidance ?? cond.cfg };
  const key = `${c.classIndex}|${c.cfg}`;
  if (appliedCondition?.session === session && appliedCondition.key === key) return;
  try {
    session.setSampleCondition(c);
  } catch {
    session.setSampleCondition({ classIndex: -1, cfg: c.cfg }); // a class of another labelling: show all
  }
  appliedCondition = { session, key };
}

function frame(): void {
  raf(frame);
  const w = world;
  if (!w || framesInFlight > 0 || w.gpu.isLost()) return;
  const now = performance.now();
  if (
    loseDeviceArmed &&
    (w.training?.session?.step ?? 0) >= LOSE_DEVICE_AT_STEP &&
    w.training?.session?.snapshot
  ) {
    loseDeviceArmed = false;
    w.gpu.simulateLoss();
    return;
  }
  if (w.training?.tick(now)) dirty = true;
  if (w.mfm.tick(w.training?.session ?? null, w.view, now)) dirty = true;
  if (!dirty && !w.view.animate) return;
  const target = w.surface.target();
  if (!target) return;
  dirty = false;
  const vp = { width: w.surface.width, height: w.surface.height };
  const box = viewBox(w.view.camera, vp);
  const tau = w.view.animate ? ((now - animationStart) / 4000) % 1.25 : 1; // 4 s noise -> data, then a pause
  const session = w.training?.session ?? null;
  applySampleCondition(session, w.view);
  const encoder = w.gpu.device.createCommandEncoder({ label: 'frame' });
  try {
    const layers = sceneLayers({
      view: w.view,
      box,
      data: () => dataPoints(w, session),
      labels: () => dataLabels(w),
      session,
      tau: Math.min(1, tau),
      trained: (session?.step ?? 0) > 0,
    }).concat(w.mfm.layers(w.view));
    w.renderer.encode(
      encoder,
      {
        target,
        width: vp.width,
        height: vp.height,
        view: viewMatrix(w.view.camera, vp),
        background: COLORS.background,
        layers,
      },
      w.surface.format,
    );
    w.surface.present(encoder);
  } catch (e) {
    post({
      type: 'notice',
      level: 'warning',
      text: `Drawing failed: ${e instanceof Error ? e.message : String(e)}`,
    });
    return;
  }
  framesInFlight++;
  w.gpu.device.queue.onSubmittedWorkDone().then(() => framesInFlight--);
  w.training?.countDraw(now);
}

function handle(msg: ToWorker): void {
  const w = world;
  if (!w) {
    early.push(msg);
    return;
  }
  dirty = true;
  switch (msg.type) {
    case 'resize':
      w.surface.resize(msg.width, msg.height);
      break;
    case 'config':
      w.config = msg.config;
      w.training?.configure(msg.config);
      break;
    case 'checkpoint':
      w.config = msg.config;
      w.training?.configure(msg.config, {
        initial: msg.initial,
        teacherLoaded: msg.teacherLoaded,
        startStep: msg.step,
      });
      break;
    case 'view':
      if (msg.view.animate && !w.view.animate) animationStart = performance.now();
      w.view = msg.view;
      break;
    case 'play':
      w.training?.play();
      break;
    case 'pause':
      w.training?.pause();
      break;
    case 'step':
      w.training?.stepOnce(msg.steps);
      break;
    case 'reset':
      w.training?.configure(w.config);
      break;
    case 'stepsPerFrame':
      w.training?.setStepsPerFrame(msg.steps);
      break;
    case 'init':
      break;
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.type === 'init') void start(msg);
  else handle(msg);
};
