/**
 * `flowmap-lab loss` on a MeanFlow checkpoint: the GPU's loss terms and gradients against the float64 CPU
 * executor on the same graph, and the loss value against a hand-written float64 MeanFlow (plain JS MLP,
 * dF/dt by central differences along (v, 1, 0)) that shares no code with the method.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evalCpu } from '../../src/autodiff/index.ts';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { sampleReference } from '../../src/data/index.ts';
import { methodById, resolveParams } from '../../src/methods/index.ts';
import {
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  toFloat32,
  type SafeTensor,
} from '../../src/train/checkpoint/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { lossCheckGraph } from '../../src/train/lossCheck.ts';
import { initialNetworkValues } from '../../src/train/networks.ts';
import { parameterShapes } from '../../src/train/parameters.ts';
import { main } from '../../src/cli/main.ts';
import { testGpu } from '../gpu.ts';

const B = 24;
const config = resolveExperiment({
  method: 'meanflow',
  dataset: 'moons',
  seed: 5,
  net: { width: 12, depth: 2, act: 'silu', time: 'raw' },
  train: { batch: B, ema: 0 },
  params: { timeDist: 'uniform', ratioEqual: 0.25, adaptiveP: 1, adaptiveEps: 0.01 },
});
const method = methodById('meanflow');
const params = resolveParams(method, config.params);

function mlpF(
  w: Record<string, Float64Array>,
  x0: number,
  x1: number,
  t: number,
  s: number,
): [number, number] {
  let h = [x0, x1, t, t - s];
  for (let l = 0; ; l++) {
    const W = w[`net.layers.${l}.weight`];
    const b = w[`net.layers.${l}.bias`];
    if (!W) return [h[0], h[1]];
    const out = b.length;
    const last = !w[`net.layers.${l + 1}.weight`];
    const next = new Array<number>(out);
    for (let o = 0; o < out; o++) {
      let a = b[o];
      for (let i = 0; i < h.length; i++) a += W[o * h.length + i] * h[i];
      next[o] = last ? a : a / (1 + Math.exp(-a));
    }
    h = next;
  }
}

describe('flowmap-lab loss (MeanFlow)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fml-loss-'));
  const values = initialNetworkValues(method, config);
  const shapes = parameterShapes(method, config);
  const g = lossCheckGraph(method, config, params, method.stages[0] as never, 'none');
  const batch: Record<string, Float64Array> = {};
  for (const b of g.batch) {
    const n = b.shape.reduce((p, d) => p * d, 1);
    batch[b.name] =
      b.dist === 'data'
        ? sampleReference(config.dataset, B, 9, 3)
        : Float64Array.from({ length: n }, (_, i) =>
            b.dist === 'normal'
              ? normalAt(9, 40 + g.batch.indexOf(b), 0, i)
              : uniformAt(9, 40 + g.batch.indexOf(b), 0, i),
          );
  }

  it('names the batch: data, the noise e, then the two uniform times', () => {
    expect(g.batch.map((b) => [b.name, b.shape.join('x'), b.dist])).toEqual([
      ['data', `${B}x2`, 'data'],
      ['random.0', `${B}x2`, 'normal'],
      ['random.1', `${B}x1`, 'uniform'],
      ['random.2', `${B}x1`, 'uniform'],
    ]);
  });

  it('computes on the GPU the float64 loss terms and every parameter gradient; the loss is MeanFlow by hand', async () => {
    await testGpu();
    const ckPath = join(dir, 'checkpoint.safetensors');
    const params32 = new Map(
      [...Object.entries(values)].map(([k, v]) => [k, { shape: shapes[k], data: Float32Array.from(v) }]),
    );
    writeFileSync(ckPath, encodeCheckpoint(params32, config));
    const batchPath = join(dir, 'batch.safetensors');
    const tensors = new Map<string, SafeTensor>(
      g.batch.map((b) => [b.name, { dtype: 'F64', shape: [...b.shape], data: batch[b.name] }]),
    );
    writeFileSync(batchPath, encodeSafetensors(tensors));
    const outPath = join(dir, 'out.safetensors');
    expect(await main(['loss', '--checkpoint', ckPath, '--batch', batchPath, '--out', outPath])).toBe(0);
    const got = decodeSafetensors(readFileSync(outPath)).tensors;

    // float64 CPU executor on the same graph, fed the float32-rounded parameters the GPU saw
    const feeds: Record<string, Float64Array> = { ...batch };
    for (const [k, p] of params32) feeds[k] = Float64Array.from(p.data);
    for (const b of g.batch) feeds[b.name] = Float64Array.from(Float32Array.from(batch[b.name]));
    const names = Object.keys(g.outputs);
    const want = evalCpu(
      names.map((n) => g.outputs[n]),
      feeds,
      { seed: config.seed, step: 0 },
    );
    expect(names).toContain('grad.net.layers.0.weight');
    names.forEach((n, i) => {
      const a = toFloat32(got.get(n)!);
      const scale = Math.max(1e-3, ...want[i].map(Math.abs));
      for (let j = 0; j < a.length; j++)
        expect(Math.abs(a[j] - want[i][j]) / scale, `${n}[${j}]`).toBeLessThan(2e-3);
    });

    // MeanFlow written out independently: t, r = sorted uniforms, r := t on the first 25 % of rows
    const x = feeds.data;
    const e = feeds['random.0'];
    const k = Math.round(0.25 * B);
    let total = 0;
    for (let i = 0; i < B; i++) {
      const a = feeds['random.1'][i];
      const b = feeds['random.2'][i];
      const t = Math.max(a, b);
      const r = i < k ? t : Math.min(a, b);
      const v = [e[2 * i] - x[2 * i], e[2 * i + 1] - x[2 * i + 1]];
      const z = [x[2 * i] + t * v[0], x[2 * i + 1] + t * v[1]];
      const F = mlpF(feeds, z[0], z[1], t, r);
      const h = 1e-5;
      const fp = mlpF(feeds, z[0] + h * v[0], z[1] + h * v[1], t + h, r);
      const fm = mlpF(feeds, z[0] - h * v[0], z[1] - h * v[1], t - h, r);
      const target = [0, 1].map((c) => v[c] - (t - r) * ((fp[c] - fm[c]) / (2 * h)));
      const l = (F[0] - target[0]) ** 2 + (F[1] - target[1]) ** 2;
      total += l / (l + 0.01);
    }
    total /= B;
    expect(toFloat32(got.get('loss')!)[0]).toBeCloseTo(total, 4);
  });

  it('says what is missing when the batch does not fit, with exit code 2', async () => {
    const bad = join(dir, 'bad.safetensors');
    writeFileSync(
      bad,
      encodeSafetensors(new Map([['data', { dtype: 'F32', shape: [B, 2], data: new Float32Array(2 * B) }]])),
    );
    const ckPath = join(dir, 'checkpoint.safetensors');
    expect(await main(['loss', '--checkpoint', ckPath, '--batch', bad])).toBe(2);
  });
});
