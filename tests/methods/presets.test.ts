import { describe, expect, it } from 'vitest';
import { ConfigError, resolveExperiment } from '../../src/train/config.ts';
import { methodById } from '../../src/methods/index.ts';
import {
  METHOD_PRESETS,
  methodPreset,
  presetExperiment,
  UnknownPresetError,
} from '../../src/train/presets.ts';

describe('method presets', () => {
  it('every preset parses, names its method, and its params validate with the official defaults filled in', () => {
    const ids = new Set<string>();
    for (const p of METHOD_PRESETS) {
      expect(ids.has(p.id), p.id).toBe(false);
      ids.add(p.id);
      const c = presetExperiment(p.id);
      expect(c.method).toBe(p.method);
      const schemaKeys = Object.keys(methodById(p.method).schema.shape).sort();
      expect(Object.keys(c.params).sort()).toEqual(schemaKeys);
      expect(p.source.length).toBeGreaterThan(20);
    }
    for (const m of ['fm', 'flowmap', 'meanflow', 'tvm', 'freeflow', 'dmd', 'tmd', 'mfm'])
      expect(
        METHOD_PRESETS.some((p) => p.method === m),
        m,
      ).toBe(true);
  });

  it("keeps the papers' numbers", () => {
    expect(presetExperiment('meanflow-cifar').params).toMatchObject({
      adaptiveP: 0.75,
      adaptiveEps: 1e-3,
      ratioEqual: 0.25,
    });
    expect(presetExperiment('fm-notebook')).toMatchObject({
      net: { width: 512, depth: 4 },
      train: { batch: 4096, steps: 20000 },
    });
    expect(presetExperiment('tvm-official').params).toMatchObject({ beta2: 0.95, targetEma: 0.99 });
    expect(() => methodPreset('nope')).toThrow(UnknownPresetError);
  });
});

describe('resolveExperiment', () => {
  it('fills method defaults and turns bad params into a ConfigError that names them', () => {
    expect(resolveExperiment({ method: 'tvm' }).params).toMatchObject({ gapMean: -0.8, beta2: 0.95 });
    expect(() => resolveExperiment({ method: 'meanflow', params: { adaptiveP: -1 } })).toThrow(ConfigError);
    expect(() => resolveExperiment({ method: 'meanflow', params: { adaptiveP: -1 } })).toThrow(/adaptiveP/);
  });
});
