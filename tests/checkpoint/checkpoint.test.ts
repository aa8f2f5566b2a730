import { describe, expect, it } from 'vitest';
import { ConfigError, defaultExperiment, parseExperiment } from '../../src/train/config.ts';
import {
  CheckpointError,
  checkParameters,
  decodeCheckpoint,
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  floatToHalf,
} from '../../src/train/checkpoint/index.ts';

const params = {
  'layers.0.weight': { shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5) },
  'layers.0.bias': { shape: [4], data: Float32Array.of(0.1, 0.2, 0.3, 0.4) },
  'layers.1.weight': { shape: [2, 4], data: Float32Array.from({ length: 8 }, (_, i) => -i) },
  'layers.1.bias': { shape: [2], data: Float32Array.of(0, 1) },
};

describe('FlowMap Lab checkpoints', () => {
  it('round-trip parameters (PyTorch names, float32) and the full experiment config', () => {
    const config = parseExperiment({
      dataset: 'checkerboard',
      method: 'fm',
      seed: 17,
      net: { width: 8, depth: 1 },
    });
    const bytes = encodeCheckpoint(params, config, { step: '1200' });
    const ck = decodeCheckpoint(bytes);
    expect(ck.config).toEqual(config);
    expect(ck.metadata.step).toBe('1200');
    expect(ck.metadata.format).toBe('pt');
    expect(ck.metadata.flowmap_lab).toBe('1');
    for (const [name, p] of Object.entries(params)) {
      expect(ck.params.get(name)!.shape).toEqual(p.shape);
      expect(Array.from(ck.params.get(name)!.data)).toEqual(Array.from(p.data));
    }
    // A plain safetensors reader sees every parameter as F32 and the config as a JSON string.
    const plain = decodeSafetensors(bytes);
    expect([...plain.tensors.values()].every((t) => t.dtype === 'F32')).toBe(true);
    expect(JSON.parse(plain.metadata.config).dataset).toBe('checkerboard');
  });

  it('reads half-precision parameters as float32', () => {
    const bytes = encodeSafetensors(
      { w: { dtype: 'F16', shape: [2], data: Uint16Array.of(floatToHalf(0.5), floatToHalf(-3)) } },
      { config: JSON.stringify(defaultExperiment()) },
    );
    expect(Array.from(decodeCheckpoint(bytes).params.get('w')!.data)).toEqual([0.5, -3]);
  });

  it('names what is wrong: no config, config not JSON, invalid config', () => {
    const w = { w: { dtype: 'F32' as const, shape: [1], data: Float32Array.of(1) } };
    expect(() => decodeCheckpoint(encodeSafetensors(w))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(encodeSafetensors(w, { config: '{oops' }))).toThrow(/not valid JSON/);
    expect(() => decodeCheckpoint(encodeSafetensors(w, { config: '{"dataset":"nope"}' }))).toThrow(
      ConfigError,
    );
  });

  it('checks parameters against the shapes a network expects', () => {
    const ck = decodeCheckpoint(encodeCheckpoint(params, defaultExperiment()));
    const expected = Object.fromEntries(Object.entries(params).map(([k, p]) => [k, p.shape]));
    expect(() => checkParameters(ck.params, expected)).not.toThrow();
    const wrong = { ...expected, 'layers.0.weight': [4, 5], 'layers.2.bias': [2] };
    delete (wrong as Record<string, unknown>)['layers.1.bias'];
    expect(() => checkParameters(ck.params, wrong)).toThrow(
      /layers\.0\.weight is \[4,3\], expected \[4,5\].*missing layers\.2\.bias.*unexpected layers\.1\.bias/,
    );
  });
});
