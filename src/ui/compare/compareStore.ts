/**
 * The compare page's store: the shared experiment, the members (entry, config, run status, quality
 * history, own training seconds) and the worker's phase. Commands go to the one compare worker.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { CompareExperiment } from '../../state/compareUrl.ts';
import { memberDefault } from '../../state/compareUrl.ts';
import type { FromCompareWorker, ToCompareWorker } from '../../state/compareProtocol.ts';
import type { RunStatus } from '../../state/protocol.ts';
import type { ExperimentConfig } from '../../train/config.ts';
import type { QualityReport } from '../../train/session.ts';
import { store } from '../store.ts';

export interface QualityPoint {
  report: QualityReport;
  /** Seconds of the shared training loop this member had played when the report's model was sampled. */
  seconds: number;
}

export interface MemberState {
  id: number;
  entry: string;
  config: ExperimentConfig;
  status: RunStatus;
  history: QualityPoint[];
  seconds: number;
  /** When the last status arrived (performance.now). */
  at: number;
  /** steps/s samples (step, rate) while playing */
  rates: { step: number; rate: number }[];
}

export interface CompareState {
  base: ExperimentConfig | null;
  nfe: number;
  hide: string[];
  members: MemberState[];
  ready: boolean;
}

const idle: RunStatus = {
  running: false,
  step: 0,
  stage: 'student',
  stepsPerSecond: 0,
  drawsPerSecond: 0,
  gpuBuffers: 0,
};
let nextId = 1;
let send: (msg: ToCompareWorker, transfer?: Transferable[]) => void = () => {};

export const compareStore = createStore<CompareState>()(() => ({
  base: null,
  nfe: 1,
  hide: [],
  members: [],
  ready: false,
}));

export const useCompare = <T>(selector: (s: CompareState) => T): T => useStore(compareStore, selector);

export function bindCompare(fn: typeof send): void {
  send = fn;
}

export const sendCompare = (msg: ToCompareWorker, transfer: Transferable[] = []) => send(msg, transfer);

const newMember = (entry: string, config: ExperimentConfig): MemberState => ({
  id: nextId++,
  entry,
  config,
  status: idle,
  history: [],
  seconds: 0,
  at: 0,
  rates: [],
});

export function loadComparison(c: CompareExperiment): void {
  compareStore.setState({
    base: c.base,
    nfe: c.nfe,
    hide: c.hide,
    members: c.members.map((m) => newMember(m.entry, m.config)),
  });
}

/** Adds a member with the entry's defaults on the shared experiment; the others keep running. */
export function addMember(entry: string): void {
  const { base, members } = compareStore.getState();
  if (!base || members.length >= 4) return;
  const config = memberDefault(entry, base);
  if (!config) return;
  compareStore.setState({ members: [...members, newMember(entry, config)] });
}

export function removeMember(id: number): void {
  const { members } = compareStore.getState();
  if (members.length <= 2) return;
  send({ type: 'remove', id });
  compareStore.setState({ members: members.filter((m) => m.id !== id) });
}

function patch(id: number, f: (m: MemberState) => MemberState): void {
  compareStore.setState((s) => ({ members: s.members.map((m) => (m.id === id ? f(m) : m)) }));
}

/** Clears every member's history (reset acts on all). */
export function resetAll(): void {
  compareStore.setState((s) => ({
    members: s.members.map((m) => ({ ...m, status: idle, history: [], seconds: 0, at: 0, rates: [] })),
  }));
  send({ type: 'reset' });
}

export function receiveCompare(msg: FromCompareWorker): void {
  if (msg.type === 'ready') {
    compareStore.setState({ ready: true });
    store.getState().receive({
      type: 'ready',
      adapter: msg.adapter,
      software: msg.software,
      renderPath: msg.renderPath,
      training: true,
      trainingNote: '',
    });
    return;
  }
  if (msg.type === 'fatal') {
    store.getState().notify('warning', `The compare worker failed: ${msg.message}`);
    return;
  }
  const { id, msg: m } = msg;
  const label = compareStore.getState().members.find((x) => x.id === id)?.entry ?? `member ${id}`;
  switch (m.type) {
    case 'status':
      patch(id, (x) => {
        const now = performance.now();
        // the shared loop's wall-clock while this member plays (every member steps in every frame)
        const dt = x.status.running && x.at > 0 ? (now - x.at) / 1000 : 0;
        const rates =
          m.status.running && m.status.stepsPerSecond > 0
            ? [...x.rates, { step: m.status.step, rate: m.status.stepsPerSecond }]
            : x.rates;
        return { ...x, status: m.status, seconds: x.seconds + dt, rates, at: now };
      });
      break;
    case 'quality':
      patch(id, (x) => ({ ...x, history: [...x.history, { report: m.report, seconds: x.seconds }] }));
      break;
    case 'notice':
      if (!/Training finished/.test(m.text)) store.getState().notify(m.level, `${label}: ${m.text}`);
      break;
    case 'summary':
      if (m.summary.diverged)
        store.getState().notify('warning', `${label}: ${m.summary.message ?? 'diverged'}`);
      break;
    default:
      break;
  }
}
