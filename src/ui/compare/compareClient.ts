/** Starts the compare page's one worker (src/worker/compareMain.ts) and connects it to the compare store. */
import { DEFAULT_VIEW } from '../../state/viewSettings.ts';
import type { FromCompareWorker, ToCompareWorker } from '../../state/compareProtocol.ts';
import { forceReadback } from '../workerClient.ts';
import { store } from '../store.ts';
import { bindCompare, compareStore, receiveCompare } from './compareStore.ts';

let worker: Worker | null = null;

export function startCompareWorker(): void {
  if (worker) return;
  if (!('gpu' in navigator)) {
    store
      .getState()
      .receive({ type: 'fatal', kind: 'no-webgpu', message: 'navigator.gpu is undefined in this browser.' });
    return;
  }
  worker = new Worker(new URL('../../worker/compareMain.ts', import.meta.url), {
    type: 'module',
    name: 'flowmap-compare',
  });
  worker.onmessage = (e: MessageEvent<FromCompareWorker>) => receiveCompare(e.data);
  worker.onerror = (e) =>
    store.getState().notify('warning', `The compare worker failed: ${e.message || 'see the console'}`);
  const send = (msg: ToCompareWorker, transfer: Transferable[] = []) => worker?.postMessage(msg, transfer);
  bindCompare(send);
  const nfe = compareStore.getState().nfe as 1 | 2 | 4 | 8;
  send({ type: 'init', forceReadback, view: { ...DEFAULT_VIEW, nfe, paths: true, points: 2048 } });
}
