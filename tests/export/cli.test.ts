/**
 * `flowmap-lab export --url 'HASH' | --checkpoint FILE [--out train.py]`: the forms, their errors (exit 2
 * with one line), the exporter registry, and a generator free of Node APIs (the playground imports it).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, main } from '../../src/cli/main.ts';
import {
  ExportUnsupportedError,
  exportableMethods,
  exportScript,
  methodExporter,
} from '../../src/export/index.ts';
import { METHODS } from '../../src/methods/index.ts';
import { encodeCheckpoint } from '../../src/train/checkpoint/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { parameterShapes } from '../../src/train/parameters.ts';
import { initialStateValues } from '../../src/train/state.ts';
import { PYTHON } from './torch.ts';

const dir = mkdtempSync(join(tmpdir(), 'fml-export-cli-'));

/** The CONFIG literal of an exported script. */
const configOf = (script: string) =>
  JSON.parse(/^CONFIG = json\.loads\(r'''([\s\S]*?)'''\)$/m.exec(script)![1]);

describe('flowmap-lab export', () => {
  it('--url writes a script of that experiment that Python compiles', async () => {
    const out = join(dir, 'tvm.py');
    expect(await main(['export', '--url', '#v=1&method=tvm&dataset=pinwheel&width=40', '--out', out])).toBe(
      0,
    );
    const script = readFileSync(out, 'utf8');
    expect(configOf(script)).toMatchObject({ method: 'tvm', dataset: 'pinwheel', net: { width: 40 } });
    expect(script).toContain('def tvm_loss(nets, x, rand, B, teacher):');
    const r = spawnSync(PYTHON, ['-m', 'py_compile', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it("--checkpoint exports the checkpoint's config", async () => {
    const config = resolveExperiment({
      method: 'flowmap',
      dataset: 'rings',
      params: { variant: 'lagrangian' },
    });
    const shapes = parameterShapes(
      METHODS.find((m) => m.id === 'flowmap')!,
      config,
    );
    const values = initialStateValues(
      METHODS.find((m) => m.id === 'flowmap')!,
      config,
    );
    const ck = join(dir, 'ck.safetensors');
    writeFileSync(
      ck,
      encodeCheckpoint(
        new Map(Object.entries(values).map(([k, v]) => [k, { shape: shapes[k], data: v }])),
        config,
      ),
    );
    const out = join(dir, 'flowmap.py');
    expect(await main(['export', '--checkpoint', ck, '--out', out])).toBe(0);
    expect(configOf(readFileSync(out, 'utf8'))).toEqual(config);
  });

  it('needs exactly one of --url and --checkpoint (exit 2)', async () => {
    expect(await main(['export'])).toBe(2);
    expect(await main(['export', '--url', '#v=1', '--checkpoint', 'x.safetensors'])).toBe(2);
    expect(await main(['export', '--checkpoint', join(dir, 'missing.safetensors')])).toBe(2);
  });

  it('every method of the lab exports; an unknown id is a usage error naming those that export', () => {
    expect(exportableMethods().sort()).toEqual(METHODS.map((m) => m.id).sort());
    const e = (() => {
      try {
        methodExporter('nope');
      } catch (err) {
        return err as Error;
      }
    })();
    expect(e).toBeInstanceOf(ExportUnsupportedError);
    expect(e!.message).toContain(exportableMethods().join(', '));
    expect(exitCodeOf(e)).toBe(2);
  });

  it('dmd, tmd, mfm and a class-conditional run export to scripts that Python compiles', async () => {
    for (const hash of [
      '#v=1&method=dmd&dataset=moons',
      '#v=1&method=tmd&dataset=moons',
      '#v=1&method=mfm&dataset=8gaussians',
    ]) {
      const out = join(dir, 'other.py');
      expect(await main(['export', '--url', hash, '--out', out]), hash).toBe(0);
      const r = spawnSync(PYTHON, ['-m', 'py_compile', out], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    }
    const config = resolveExperiment({ method: 'fm', dataset: 'moons', condition: { labels: 'moons' } });
    const script = exportScript(config);
    expect(script).toMatch(/^CLASSES = 2 /m);
    const out = join(dir, 'fm_cond.py');
    writeFileSync(out, script);
    const r = spawnSync(PYTHON, ['-m', 'py_compile', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  it('the generator uses no Node API (the playground imports it)', () => {
    const root = join(import.meta.dirname, '../../src/export');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) expect(readFileSync(join(root, f), 'utf8'), f).not.toMatch(/from 'node:/);
  });
});
