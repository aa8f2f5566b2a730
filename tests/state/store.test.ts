import { SOFTWARE_HINT, softwareStart } from '../../src/state/adapterDefaults.ts';
import { describe, expect, it } from 'vitest';
import { PRESETS, presetConfig } from '../../src/state/presets.ts';
import { createPlaygroundStore } from '../../src/state/store.ts';
import { paramsSchemaOf } from '../../src/state/methods.ts';
import { decodeLink, encodeLink } from '../../src/state/datasetUrl.ts';
import type { ToWorker } from '../../src/state/protocol.ts';
import { defaultExperiment } from '../../src/train/config.ts';

function storeWithOutbox() {
  const store = createPlaygroundStore();
  const sent: ToWorker[] = [];
  store.getState().bind((m) => sent.push(m));
  return { store, sent };
}

describe('presets', () => {
  it('are valid configs with two lines each, and survive a link', () => {
    const ids = new Set<string>();
    for (const p of PRESETS) {
      expect(ids.has(p.id), `duplicate preset ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.lines).toHaveLength(2);
      const config = presetConfig(p);
      const schema = paramsSchemaOf(config.method);
      if (schema) expect(schema.safeParse(config.params).success, p.id).toBe(true);
      const back = decodeLink(encodeLink({ config, hide: p.hide ?? [] }).hash, paramsSchemaOf);
      expect(back.ignored).toEqual([]);
      expect(back.config).toEqual(config);
    }
  });
});

describe('playground store', () => {
  it('applying a preset sends its config and view to the worker', () => {
    const { store, sent } = storeWithOutbox();
    const p = PRESETS[0];
    store.getState().applyPreset(p.id);
    const config = sent.find((m) => m.type === 'config');
    const view = sent.find((m) => m.type === 'view');
    expect(config && config.type === 'config' && config.config.method).toBe(p.config.method);
    expect(view && view.type === 'view' && view.view.nfe).toBe(p.view?.nfe);
    expect(store.getState().presetId).toBe(p.id);
  });

  it('a config change starts a new run and forgets the old numbers', () => {
    const { store } = storeWithOutbox();
    store.getState().receive({
      type: 'summary',
      summary: { step: 10, stage: 'student', losses: { loss: 1 }, stepsPerSecond: 5, diverged: false },
    });
    const run = store.getState().runId;
    store.getState().setConfig((c) => ({ ...c, seed: 42 }));
    expect(store.getState().runId).toBe(run + 1);
    expect(store.getState().lastSummary).toBeNull();
    expect(store.getState().config.seed).toBe(42);
  });

  it('play without a training engine says so instead of pretending', () => {
    const { store, sent } = storeWithOutbox();
    store.getState().receive({
      type: 'ready',
      adapter: 'x',
      software: false,
      renderPath: 'readback',
      training: false,
      trainingNote: 'Training is not available yet in this build.',
    });
    store.getState().play();
    expect(sent.some((m) => m.type === 'play')).toBe(false);
    expect(store.getState().notices.map((n) => n.text)).toContain(
      'Training is not available yet in this build.',
    );
    store.getState().receive({
      type: 'ready',
      adapter: 'x',
      software: false,
      renderPath: 'canvas',
      training: true,
      trainingNote: '',
    });
    store.getState().play();
    expect(sent.some((m) => m.type === 'play')).toBe(true);
  });

  it('a software adapter starts a page without a link on the small experiment and says why; a link is kept', () => {
    const ready = {
      type: 'ready',
      adapter: 'x',
      software: true,
      renderPath: 'readback',
      training: true,
      trainingNote: '',
    } as const;
    const fresh = storeWithOutbox();
    fresh.store.getState().receive(ready);
    const { params: _p, ...small } = fresh.store.getState().config;
    const { params: _q, ...want } = softwareStart();
    expect(small).toEqual(want);
    expect(fresh.sent.some((m) => m.type === 'config')).toBe(true);
    expect(fresh.store.getState().notices.map((n) => n.text)).toContain(SOFTWARE_HINT);
    const linked = storeWithOutbox();
    const fromLink = { ...defaultExperiment(), dataset: 'moons' as const };
    linked.store.getState().load(fromLink, []);
    linked.store.getState().receive(ready);
    expect(linked.store.getState().config.net).toEqual(fromLink.net);
    expect(linked.store.getState().config.dataset).toBe('moons');
    const hardware = storeWithOutbox();
    hardware.store.getState().receive({ ...ready, software: false });
    expect(hardware.store.getState().config.net).toEqual(defaultExperiment().net);
  });

  it('a diverged summary and a lost device become visible notices; the config is kept', () => {
    const { store } = storeWithOutbox();
    store.getState().setConfig((c) => ({ ...c, dataset: 'rings' }));
    store.getState().receive({
      type: 'summary',
      summary: {
        step: 3,
        stage: 'student',
        losses: { loss: NaN },
        stepsPerSecond: 1,
        diverged: true,
        message: 'Loss is NaN at step 3.',
      },
    });
    expect(store.getState().notices.map((n) => n.text)).toContain('Loss is NaN at step 3.');
    store.getState().receive({ type: 'fatal', kind: 'device-lost', message: 'The GPU device was lost' });
    expect(store.getState().gpu.phase).toBe('device-lost');
    expect(store.getState().config.dataset).toBe('rings');
  });
});
