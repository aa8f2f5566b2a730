/**
 * The playground's worker: owns the GPUDevice, the training session and the frame loop. Each frame it records
 * a few training steps (one submit, no wait), draws the scene from GPU buffers, and a few times per second
 * reads back a summary for the page. Frames are paced by the GPU: while the previous frame's work is still
 * queued, no new steps are recorded, so a slow (software) GPU never builds up a backlog.
 */
import { acquireGpu, NoAdapterError, type GpuContext } from '../engine/index.ts';
import { viewBox, viewMatrix } from '../state/camera.ts';
import { datasetOf, type ExperimentConfig } from '../train/config.ts';
import type { PointSet, TrainingSession } from '../train/session.ts';
import { DataPoints } from './dataPoints.ts';
import type { FromWorker, ToWorker, ViewSettings } from '../state/protocol.ts';
import { Renderer } from './renderer.ts';
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
  config: ExperimentConfig;
  view: ViewSettings;
}

let world: World | null = null;
const early: ToWorker[] = [];
const raf: (cb: () => void) => void =
  typeof (self as { requestAnimationFrame?: unknown }).requestAnimationFrame === 'function'
    ? (cb) => (self as unknown as { requestAnimationFrame(cb: () => void): number }).requestAnimationFrame(cb)
    : (cb) => setTimeout(cb, 16);

async function start(msg: Extract<ToWorker, { type: 'init' }>): Promise<void> {
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
  gpu.lost.then((err) => post({ type: 'fatal', kind: 'device-lost', message: err.message }));
  const renderer = new Renderer(gpu.device);
  // A software adapter is not trusted to present even when the probe passes: it may stay transparent.
  const presents =
    !msg.forceReadback &&
    gpu.adapter.kind === 'hardware' &&
    (await probeCanvasPresents(gpu.device, renderer));
  msg.canvas.width = msg.width;
  msg.canvas.height = msg.height;
  const onError = (e: unknown) =>
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
    config: msg.config,
    view: msg.view,
  };
  world.training?.configure(msg.config);
  post({
    type: 'ready',
    adapter: gpu.adapter.line,
    renderPath: surface.path,
    training: world.training !== null,
    trainingNote: world.training ? '' : NO_TRAINING_NOTE,
  });
  for (const m of early.splice(0)) handle(m);
  raf(frame);
}

let dataCache: { session: TrainingSession; n: number; set: PointSet } | null = null;

/** The session's data samples, drawn once per session and size; the dataset kernel's before a session exists. */
function dataPoints(w: World, session: TrainingSession | null): PointSet {
  const n = w.view.points;
  if (!session) return w.data.points(datasetOf(w.config), w.config.seed, n);
  if (dataCache?.session !== session || dataCache.n !== n) dataCache = { session, n, set: session.data(n) };
  return dataCache.set;
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
  if (!w || framesInFlight > 0) return;
  const now = performance.now();
  if (w.training?.tick(now)) dirty = true;
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
      session,
      tau: Math.min(1, tau),
      trained: (session?.step ?? 0) > 0,
    });
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
