/**
 * Starts the worker that owns the GPU, hands it the canvas, and connects it to the store. The worker is a
 * module worker that Vite bundles with a relative URL, so the built site works from any sub-path.
 */
import type { FromWorker, ToWorker } from '../state/protocol.ts';
import { store } from './store.ts';

let worker: Worker | null = null;

/** Query flag `?render=readback` forces the readback path (tests read the canvas pixels through it). */
export const forceReadback = new URLSearchParams(location.search).get('render') === 'readback';
/** Query flag `?debug=lose-device` makes the worker destroy its device once mid-training (recovery tests). */
const debug = new URLSearchParams(location.search).get('debug') ?? undefined;

export function startWorker(canvas: HTMLCanvasElement, width: number, height: number): void {
  if (worker) return;
  if (!('gpu' in navigator) || typeof canvas.transferControlToOffscreen !== 'function') {
    store
      .getState()
      .receive({ type: 'fatal', kind: 'no-webgpu', message: 'navigator.gpu is undefined in this browser.' });
    return;
  }
  worker = new Worker(new URL('../worker/main.ts', import.meta.url), { type: 'module', name: 'flowmap-gpu' });
  const send = (msg: ToWorker, transfer: Transferable[] = []) => worker?.postMessage(msg, transfer);
  worker.onmessage = (e: MessageEvent<FromWorker>) => store.getState().receive(e.data);
  worker.onerror = (e) =>
    store.getState().receive({
      type: 'fatal',
      kind: 'error',
      message: `The GPU worker failed: ${e.message || 'see the console'}`,
    });
  store.getState().bind(send);
  const offscreen = canvas.transferControlToOffscreen();
  const { config, view } = store.getState();
  send({ type: 'init', canvas: offscreen, width, height, forceReadback, debug, config, view }, [offscreen]);
}

export function resizeWorkerCanvas(width: number, height: number): void {
  worker?.postMessage({ type: 'resize', width, height } satisfies ToWorker);
}
