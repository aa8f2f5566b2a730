import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/cli/configSource.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { main } from '../../src/cli/main.ts';
import { csvToSamples, samplesToCsv } from '../../src/cli/output/csv.ts';
import { scatterPng } from '../../src/cli/output/scatterPng.ts';
import { listText } from '../../src/cli/commands/list.ts';
import { encodeExperiment } from '../../src/state/url.ts';
import { resolveExperiment } from '../../src/train/config.ts';

describe('flowmap-lab arguments', () => {
  it.each([
    [['train', '--steps', 'abc', '--preset', 'fm-small']],
    [['train', '--steps', '0', '--preset', 'fm-small']],
    [['train']],
    [['train', '--preset', 'no-such-preset']],
    [['train', '--preset', 'fm-small', '--url', '#method=fm']],
    [['eval']],
    [['eval', '--checkpoint', '/nonexistent/file.safetensors']],
    [['eval', '--checkpoint', 'x', '--nfe', '1,zero']],
    [['eval', '--checkpoint', 'x', '--floor-draws', '1']],
    [['train', '--preset', 'fm-small', '--floor-draws', '99']],
    [['frobnicate']],
    [[]],
  ])('%j exits with code 2 and a message', async (argv) => {
    expect(await main(argv)).toBe(2);
  });

  it('reads a config file, a preset and a playground link, with --steps and --seed overrides', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-args-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ method: 'tvm', dataset: 'moons', train: { batch: 64 } }));
    const a = resolveConfig({ config: file, steps: 12, seed: 4 });
    expect([
      a.config.method,
      a.config.dataset,
      a.config.train.batch,
      a.config.train.steps,
      a.config.seed,
    ]).toEqual(['tvm', 'moons', 64, 12, 4]);
    expect(a.config.params.targetEma).toBeDefined(); // method defaults filled

    const want = resolveExperiment({
      method: 'meanflow',
      dataset: 'checkerboard',
      seed: 3,
      params: { ratioEqual: 0.25 },
    });
    const link = `http://localhost:5173/#${encodeExperiment({ config: want, hide: [] })}`;
    expect(resolveConfig({ url: link }).config).toEqual(want);

    expect(resolveConfig({ preset: 'fm-small' }).config.method).toBe('fm');
    expect(() => resolveConfig({ config: join(dir, 'missing.json') })).toThrow(UsageError);
    writeFileSync(file, JSON.stringify({ method: 'meanflow', params: { ratioEqual: 7 } }));
    expect(() => resolveConfig({ config: file })).toThrow(/ratioEqual/);
  });

  it('lists presets, methods and datasets', () => {
    const t = listText();
    for (const w of ['fm-small', 'meanflow', 'freeflow', 'checkerboard', '8gaussians'])
      expect(t).toContain(w);
  });
});

describe('run outputs', () => {
  it('writes samples as x,y CSV that reads back to the same float32 values', () => {
    const pts = Float32Array.from([0.1, -2.5, 3.14159, 1e-7, -0.333333, 42]);
    const text = samplesToCsv(pts);
    expect(text.split('\n')[0]).toBe('x,y');
    expect(Float32Array.from(csvToSamples(text))).toEqual(pts);
  });

  it('draws one panel per set with points where the data are', () => {
    const size = 100;
    const buf = scatterPng(
      [
        { title: 'data', points: [2, 2, 2, 2, 2, 2] },
        { title: 'NFE 1', points: [-2, -2] },
      ],
      { box: 4, size, alpha: 1 },
    );
    const png = PNG.sync.read(buf);
    expect(png.width).toBe(2 * (size + 8) + 8);
    const at = (x: number, y: number) =>
      Array.from(png.data.subarray(4 * (y * png.width + x), 4 * (y * png.width + x) + 3));
    const titleH = png.height - size - 8;
    // (2, 2) in panel 0: x = 8 + (2 + 4) * 100 / 8 = 83, y = titleH + (4 - 2) * 100 / 8 = titleH + 25
    expect(at(8 + 75, titleH + 25)).not.toEqual([250, 250, 247]);
    // panel 1 has nothing at (2, 2) and a point at (-2, -2)
    expect(at(8 + size + 8 + 75, titleH + 25)).toEqual([250, 250, 247]);
    expect(at(8 + size + 8 + 25, titleH + 75)).not.toEqual([250, 250, 247]);
  });
});
