/**
 * The compare page's worker: one GPUDevice, one Training (session, summaries, quality reports) per member,
 * each drawing into its own transferred canvas. Fair interleaving: every frame, each playing member records
 * the same `stepsPerFrame` steps in turn (round-robin, equal step counts per frame); frames are paced by
 * the GPU as in the single page (no new steps while the last frame's work is queued).
 */
import { acquireGpu, type GpuContext } from '../engine/index.ts';
import { viewBox, viewMatrix } from '../state/camera.ts';
import type { FromCompareWorker, ToCompareWorker } from '../state/compareProtocol.ts';
import type { FromWorker, ViewSettings } from '../state/protocol.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { PointSet, TrainingSession } from '../train/session.ts';
import { Renderer } from './renderer.ts';
import { COLORS, sceneLayers } from './scene.ts';
import { loadCreateSession, type CreateSession } from './sessionFactory.ts';
import { canvasSurface, probeCanvasPresents, readbackSurface, type Surface } from './surface.ts';
import { Training } from './training.ts';

const post = (msg: FromCompareWorker) => (self as unknown as Worker).postMessage(msg);

interface Member {
  id: number;
  training: Training;
  surface: Surface;
  config: ExperimentConfig;
  dirty: boolean;
  data: { session: TrainingSession; n: number; set: PointSet } | null;
}

interface World {
  gpu: GpuContext;
  renderer: Renderer;
  presents: boolean;
  create: CreateSession;
  view: ViewSettings;
  members: Member[];
  stepsPerFrame: number;
}

let world: World | null = null;
const early: ToCompareWorker[] = [];
let framesInFlight = 0;
const raf = (cb: () => void) => setTimeout(cb, 16);

async function start(msg: Extract<ToCompareWorker, { type: 'init' }>): Promise<void> {
  try {
    const gpu = await acquireGpu();
    const renderer = new Renderer(gpu.device);
    const presents =
      !msg.forceReadback &&
      gpu.adapter.kind === 'hardware' &&
      (await probeCanvasPresents(gpu.device, renderer));
    const create = await loadCreateSession();
    if (!create) throw new Error('training is not in this build');
    world = { gpu, renderer, presents, create, view: msg.view, members: [], stepsPerFrame: 8 };
    post({
      type: 'ready',
      adapter: gpu.adapter.line,
      software: gpu.adapter.kind !== 'hardware',
      renderPath: presents ? 'canvas' : 'readback',
    });
    for (const m of early.splice(0)) handle(m);
    raf(frame);
  } catch (e) {
    post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
  }
}

function draw(w: World, m: Member): void {
  const target = m.surface.target();
  if (!target) return;
  m.dirty = false;
  const session = m.training.session;
  const vp = { width: m.surface.width, height: m.surface.height };
  const encoder = w.gpu.device.createCommandEncoder({ label: `compare frame ${m.id}` });
  const layers = session
    ? sceneLayers({
        view: w.view,
        box: viewBox(w.view.camera, vp),
        data: () => {
          if (m.data?.session !== session || m.data.n !== w.view.points)
            m.data = { session, n: w.view.points, set: session.data(w.view.points) };
          return m.data.set;
        },
        session,
        tau: 1,
        trained: session.step > 0,
      })
    : [];
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
    m.surface.format,
  );
  m.surface.present(encoder);
}

function frame(): void {
  raf(frame);
  const w = world;
  if (!w || framesInFlight > 0) return;
  const now = performance.now();
  let drew = false;
  for (const m of w.members) {
    if (m.training.tick(now)) m.dirty = true;
    if (!m.dirty) continue;
    try {
      draw(w, m);
      drew = true;
    } catch (e) {
      post({
        type: 'member',
        id: m.id,
        msg: { type: 'notice', level: 'warning', text: `Drawing failed: ${String(e)}` },
      });
    }
  }
  if (!drew) return;
  framesInFlight++;
  w.gpu.device.queue.onSubmittedWorkDone().then(() => framesInFlight--);
}

function handle(msg: ToCompareWorker): void {
  const w = world;
  if (!w) {
    early.push(msg);
    return;
  }
  for (const m of w.members) m.dirty = true;
  switch (msg.type) {
    case 'add': {
      msg.canvas.width = msg.width;
      msg.canvas.height = msg.height;
      const onError = (e: unknown) =>
        post({
          type: 'member',
          id: msg.id,
          msg: { type: 'notice', level: 'warning', text: `Drawing failed: ${String(e)}` },
        });
      const surface = w.presents
        ? canvasSurface(w.gpu.device, msg.canvas)
        : readbackSurface(w.gpu.device, msg.canvas, onError);
      const training = new Training(w.gpu, w.create, (m: FromWorker) =>
        post({ type: 'member', id: msg.id, msg: m }),
      );
      training.setStepsPerFrame(w.stepsPerFrame);
      training.configure(msg.config);
      w.members.push({ id: msg.id, training, surface, config: msg.config, dirty: true, data: null });
      break;
    }
    case 'remove': {
      w.members.find((x) => x.id === msg.id)?.training.dispose();
      w.members = w.members.filter((x) => x.id !== msg.id);
      break;
    }
    case 'view':
      w.view = msg.view;
      break;
    case 'play':
      for (const m of w.members) m.training.play();
      break;
    case 'pause':
      for (const m of w.members) m.training.pause();
      break;
    case 'step':
      for (const m of w.members) m.training.stepOnce(msg.steps);
      break;
    case 'reset':
      for (const m of w.members) m.training.configure(m.config);
      break;
    case 'stepsPerFrame':
      w.stepsPerFrame = msg.steps;
      for (const m of w.members) m.training.setStepsPerFrame(msg.steps);
      break;
    case 'init':
      break;
  }
}

self.onmessage = (event: MessageEvent<ToCompareWorker>) => {
  const msg = event.data;
  if (msg.type === 'init') void start(msg);
  else handle(msg);
};
