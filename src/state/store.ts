/**
 * The playground's one store (zustand), in typed slices: the experiment, what the canvas shows, the run as the
 * worker reports it, and notices. Actions are callable outside React; commands go to the worker through the
 * `send` function bound at start-up. Fast-changing values (the latest summary and quality report) live here too
 * but the plots read them with `store.subscribe`, outside React, so the page does not re-render per summary.
 */
import { createStore } from 'zustand/vanilla';
import { labellingNames } from '../engine/cpu/sampleData.ts';
import { methodById } from '../methods/index.ts';
import { SOFTWARE_HINT, softwareStart } from './adapterDefaults.ts';
import {
  decodeCheckpoint,
  decodeHistory,
  type Checkpoint,
  type HistoryPoint,
} from '../train/checkpoint/index.ts';
import { defaultExperiment, type ExperimentConfig, type ParamValue } from '../train/config.ts';
import type { QualityReport, StepSummary } from '../train/session.ts';
import type { FromWorker, RenderPath, RunStatus, ToWorker } from './protocol.ts';
import { resolveParams } from './methods.ts';
import { presetById, presetConfig, presetView } from './presets.ts';
import { DEFAULT_VIEW, type ViewSettings } from './viewSettings.ts';

export type GpuPhase = 'starting' | 'ready' | 'no-webgpu' | 'device-lost' | 'error';

export interface Notice {
  id: number;
  level: 'info' | 'warning';
  text: string;
}

export interface PlaygroundState {
  config: ExperimentConfig;
  hide: string[];
  presetId: string | null;
  view: ViewSettings;
  stepsPerFrame: number;
  gpu: {
    phase: GpuPhase;
    adapter: string;
    renderPath: RenderPath | null;
    training: boolean;
    trainingNote: string;
    message: string;
  };
  status: RunStatus;
  notices: Notice[];
  /** Bumped on every reset/config change: plots clear their traces when it changes. */
  runId: number;
  lastSummary: StepSummary | null;
  lastQuality: QualityReport | null;
  /** The loss history of an opened checkpoint (how it was trained), drawn once when its run starts. */
  history: HistoryPoint[] | null;
  /** Meta Flow Maps: the latest posterior and guided re-samples, with their distances to the exact answers. */
  mfm: { posterior: MfmResult | null; guide: MfmResult | null };
}

export type MfmResult = Extract<FromWorker, { type: 'mfm' }>;

export interface PlaygroundActions {
  bind(send: (msg: ToWorker) => void): void;
  setConfig(update: (c: ExperimentConfig) => ExperimentConfig): void;
  setParam(name: string, value: ParamValue): void;
  setView(patch: Partial<ViewSettings>): void;
  setStepsPerFrame(steps: number): void;
  load(config: ExperimentConfig, hide: string[]): void;
  applyPreset(id: string): void;
  /** A .safetensors checkpoint (dropped or given by `?checkpoint=URL`): its config and its parameters. */
  loadCheckpoint(bytes: ArrayBuffer, name: string): void;
  play(): void;
  pause(): void;
  step(): void;
  reset(): void;
  notify(level: Notice['level'], text: string): void;
  dismiss(id: number): void;
  receive(msg: FromWorker): void;
}

const idleStatus: RunStatus = {
  running: false,
  step: 0,
  stage: 'student',
  stepsPerSecond: 0,
  drawsPerSecond: 0,
  gpuBuffers: 0,
};

let nextNotice = 1;

const NO_MFM: PlaygroundState['mfm'] = { posterior: null, guide: null };

/** The config without its condition block when the dataset has no such labelling or the method takes no labels. */
export function validCondition(config: ExperimentConfig): ExperimentConfig {
  const c = config.condition;
  if (!c) return config;
  const ok = labellingNames(config.dataset).includes(c.labels) && methodById(config.method).supportsLabels;
  if (ok) return config;
  const rest = { ...config };
  delete rest.condition;
  return rest;
}

/** A fresh store (the page uses one; tests make their own). */
export function createPlaygroundStore(initial: Partial<PlaygroundState> = {}) {
  let send: (msg: ToWorker) => void = () => {};
  return createStore<PlaygroundState & PlaygroundActions>()((set, get) => {
    /** A link was loaded or the user changed something: the adapter's starting experiment no longer applies. */
    let chosen = false;
    const changeConfig = (config: ExperimentConfig) => {
      chosen = true;
      config = { ...validCondition(config), params: resolveParams(config.method, config.params) };
      set((s) => ({
        config,
        runId: s.runId + 1,
        lastSummary: null,
        lastQuality: null,
        history: null,
        mfm: NO_MFM,
        status: { ...idleStatus, stage: s.status.stage },
      }));
      send({ type: 'config', config });
    };
    return {
      config: defaultExperiment(),
      hide: [],
      presetId: null,
      view: DEFAULT_VIEW,
      stepsPerFrame: 8,
      gpu: {
        phase: 'starting',
        adapter: '',
        renderPath: null,
        training: false,
        trainingNote: '',
        message: '',
      },
      status: idleStatus,
      notices: [],
      runId: 0,
      lastSummary: null,
      lastQuality: null,
      history: null,
      mfm: NO_MFM,
      ...initial,

      bind(fn) {
        send = fn;
      },
      setConfig(update) {
        const before = get().config;
        const after = update(before);
        // a new method starts from its own defaults
        changeConfig(after.method !== before.method ? { ...after, params: {} } : after);
        set({ presetId: null });
      },
      setParam(name, value) {
        const c = get().config;
        changeConfig({ ...c, params: { ...c.params, [name]: value } });
      },
      setView(patch) {
        const view = { ...get().view, ...patch };
        set({ view });
        send({ type: 'view', view });
      },
      setStepsPerFrame(steps) {
        set({ stepsPerFrame: steps });
        send({ type: 'stepsPerFrame', steps });
      },
      load(config, hide) {
        set({ hide });
        changeConfig(config);
      },
      loadCheckpoint(bytes, name) {
        let ck: Checkpoint;
        try {
          ck = decodeCheckpoint(bytes);
        } catch (e) {
          get().notify('warning', `${name}: ${e instanceof Error ? e.message : String(e)}`);
          return;
        }
        chosen = true;
        const config = { ...ck.config, params: resolveParams(ck.config.method, ck.config.params) };
        const step = Math.max(0, Math.floor(Number(ck.metadata.step ?? 0)) || 0);
        let history: HistoryPoint[] | null = null;
        try {
          history = decodeHistory(ck.metadata.history);
        } catch (e) {
          get().notify(
            'info',
            `${name}: ${(e as Error).message}; the parameters loaded, the loss plot starts empty.`,
          );
        }
        set((s) => ({
          config,
          presetId: null,
          runId: s.runId + 1,
          lastSummary: null,
          lastQuality: null,
          history,
          mfm: NO_MFM,
          status: { ...idleStatus, step },
        }));
        send({
          type: 'checkpoint',
          config,
          initial: Object.fromEntries([...ck.params].map(([k, p]) => [k, p.data])),
          teacherLoaded: [...ck.params.keys()].some((k) => k.startsWith('teacher.')),
          step,
        });
        get().notify(
          'info',
          `Loaded ${name}: ${config.method} on ${config.dataset}, trained ${step.toLocaleString('en-US')} steps. The link holds its config, not its parameters; reset starts that config from scratch.`,
        );
      },
      applyPreset(id) {
        const p = presetById(id);
        if (!p) return;
        set({ hide: p.hide ?? [] });
        changeConfig(presetConfig(p));
        get().setView(presetView(p, { ...DEFAULT_VIEW, camera: get().view.camera }));
        set({ presetId: id });
      },
      play() {
        if (!get().gpu.training) {
          get().notify('info', get().gpu.trainingNote || 'Training is not available yet.');
          return;
        }
        send({ type: 'play' });
      },
      pause() {
        send({ type: 'pause' });
      },
      step() {
        if (!get().gpu.training) {
          get().notify('info', get().gpu.trainingNote || 'Training is not available yet.');
          return;
        }
        send({ type: 'step', steps: 1 });
      },
      reset() {
        set((s) => ({
          runId: s.runId + 1,
          lastSummary: null,
          lastQuality: null,
          history: null,
          mfm: NO_MFM,
          status: idleStatus,
        }));
        send({ type: 'reset' });
      },
      notify(level, text) {
        // the same text twice is shown once
        if (get().notices.some((n) => n.text === text)) return;
        set((s) => ({ notices: [...s.notices, { id: nextNotice++, level, text }] }));
      },
      dismiss(id) {
        set((s) => ({ notices: s.notices.filter((n) => n.id !== id) }));
      },
      receive(msg) {
        switch (msg.type) {
          case 'ready':
            if (msg.software && get().gpu.phase === 'starting') {
              if (!chosen) changeConfig(softwareStart());
              get().notify('info', SOFTWARE_HINT);
            }
            set((s) => ({
              gpu: {
                ...s.gpu,
                phase: 'ready',
                adapter: msg.adapter,
                renderPath: msg.renderPath,
                training: msg.training,
                trainingNote: msg.trainingNote,
              },
            }));
            break;
          case 'status':
            set({ status: msg.status });
            break;
          case 'summary':
            set({ lastSummary: msg.summary });
            if (msg.summary.diverged)
              get().notify(
                'warning',
                msg.summary.message ??
                  'The loss diverged; training paused. Lower the learning rate and reset.',
              );
            break;
          case 'quality':
            set({ lastQuality: msg.report });
            break;
          case 'mfm':
            set((s) => ({ mfm: { ...s.mfm, [msg.kind]: msg } }));
            break;
          case 'notice':
            get().notify(msg.level, msg.text);
            break;
          case 'fatal':
            set((s) => ({
              gpu: {
                ...s.gpu,
                phase:
                  msg.kind === 'no-webgpu'
                    ? 'no-webgpu'
                    : msg.kind === 'device-lost'
                      ? 'device-lost'
                      : 'error',
                message: msg.message,
              },
              status: { ...s.status, running: false },
            }));
            break;
        }
      },
    };
  });
}

export type PlaygroundStore = ReturnType<typeof createPlaygroundStore>;
