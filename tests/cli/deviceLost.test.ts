/**
 * A GPU device lost mid-run (FLOWMAP_DEBUG_LOSE_DEVICE_AT destroys it once training passes step N) ends
 * `flowmap-lab train` with exit code 1, a message naming the checkpoint, and that checkpoint written from the
 * last parameter snapshot: finite parameters of the right shapes, loadable by `eval`.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { methodById } from '../../src/methods/index.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint/index.ts';
import { parameterShapes } from '../../src/train/parameters.ts';
import { testGpu } from '../gpu.ts';

afterEach(() => {
  delete process.env.FLOWMAP_DEBUG_LOSE_DEVICE_AT;
  vi.restoreAllMocks();
});

describe('flowmap-lab train on a lost device', () => {
  it('writes the last snapshot as the checkpoint and says so, exit code 1', async () => {
    await testGpu();
    const out = mkdtempSync(join(tmpdir(), 'fml-lost-'));
    process.env.FLOWMAP_DEBUG_LOSE_DEVICE_AT = '20';
    const lines: string[] = [];
    vi.spyOn(console, 'error').mockImplementation(
      (...a: unknown[]) =>
        void lines.push(a.map((x) => (x instanceof Error ? String(x.stack) : String(x))).join(' ')),
    );
    const code = await main([
      'train',
      '--url',
      '#v=1&method=fm&dataset=moons&width=8&depth=1&batch=32&ema=0&steps=1000000',
      '--out',
      out,
      '--quiet',
    ]);
    const said = lines.join('\n');
    expect(code, said).toBe(1);
    const path = join(out, 'checkpoint.safetensors');
    expect(said).toMatch(/GPU device was lost/);
    expect(said).toContain(path);
    const ck = decodeCheckpoint(readFileSync(path));
    expect(ck.metadata.device_lost).toBe('true');
    expect(Number(ck.metadata.step)).toBeGreaterThan(0);
    const shapes = parameterShapes(methodById('fm'), ck.config);
    for (const [name, shape] of Object.entries(shapes))
      expect(ck.params.get(name)?.shape, name).toEqual(shape);
    for (const p of ck.params.values()) expect(p.data.every(Number.isFinite)).toBe(true);
  });
});
