/**
 * Malformed inputs to `train --config`, `eval` and `loss`: exit code 2 and ONE line that names the file, the
 * field and what to do; batches a training step could not draw (NaN, Inf, uniforms outside [0, 1)) refused.
 * And the FreeFlow batch written exactly as docs/checking.md's table says is accepted (its B is P + C rows).
 * All of this is decided before a GPU is acquired: no adapter is needed.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { fitBatch } from '../../src/cli/commands/loss.ts';
import { methodById, resolveParams } from '../../src/methods/index.ts';
import { encodeCheckpoint, encodeSafetensors, type SafeTensor } from '../../src/train/checkpoint/index.ts';
import { resolveExperiment, type ExperimentConfig } from '../../src/train/config.ts';
import { lossCheckGraph } from '../../src/train/lossCheck.ts';
import { initialNetworkValues } from '../../src/train/networks.ts';
import { parameterShapes } from '../../src/train/parameters.ts';
import { planStages } from '../../src/train/plan.ts';

const dir = mkdtempSync(join(tmpdir(), 'fml-bad-'));
const file = (name: string, bytes: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

/** Runs the CLI; returns the exit code and what it printed on stderr. */
async function cli(args: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => {
    lines.push(a.map(String).join(' '));
  });
  try {
    const code = await main(args);
    return { code, err: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

async function refused(args: string[], ...mentions: string[]): Promise<string> {
  const { code, err } = await cli(args);
  expect(code, err).toBe(2);
  expect(err.split('\n'), err).toHaveLength(1);
  for (const m of mentions) expect(err, args.join(' ')).toContain(m);
  return err;
}

function checkpointOf(config: ExperimentConfig): string {
  const method = methodById(config.method);
  const values = initialNetworkValues(method, config);
  const shapes = parameterShapes(method, config);
  const params = new Map(
    Object.entries(values).map(([k, v]) => [k, { shape: shapes[k], data: Float32Array.from(v) }]),
  );
  return file(`${config.method}.safetensors`, encodeCheckpoint(params, config));
}

const tensor = (shape: number[], fill: (i: number) => number): SafeTensor => {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: 'F32', shape, data: Float32Array.from({ length: n }, (_, i) => fill(i)) };
};

/**
 * A safetensors file written by hand (our writer refuses I32): `tensors` as F32 except `ints`, stored as I32.
 */
function withInts(
  tensors: Map<string, SafeTensor>,
  ints: string,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const bytes =
      name === ints
        ? new Uint8Array(new Int32Array(t.data.length).buffer)
        : new Uint8Array(Float32Array.from(t.data).buffer);
    header[name] = {
      dtype: name === ints ? 'I32' : 'F32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes.length],
    };
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  while (json.length % 8) json += ' ';
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('bad files and batches get exit 2 and one line', () => {
  const fm = resolveExperiment({ method: 'fm', dataset: 'moons', net: { width: 8, depth: 1 } });
  const B = 16;
  const goodBatch = () =>
    new Map<string, SafeTensor>([
      ['data', tensor([B, 2], (i) => Math.sin(i))],
      ['random.0', tensor([B, 2], (i) => Math.cos(i))],
      ['random.1', tensor([B, 1], (i) => (i + 0.5) / B)],
    ]);

  it('train --config: missing file, bad JSON, not an object, a bad field', async () => {
    await refused(['train', '--config', join(dir, 'nope.json')], 'nope.json', 'JSON experiment config');
    await refused(['train', '--config', file('bad.json', '{"method": ')], 'bad.json', 'not valid JSON');
    await refused(['train', '--config', file('list.json', '[1, 2]')], 'list.json', 'JSON object');
    const err = await refused(
      ['train', '--config', file('field.json', '{"net": {"width": "wide"}, "method": "fm"}')],
      'field.json',
      'net.width',
    );
    expect(err).toMatch(/Fix these fields|remove them/);
  });

  it('eval and loss name the checkpoint that is not a checkpoint, and say why', async () => {
    const junk = file('junk.safetensors', 'this is not safetensors at all');
    await refused(['eval', '--checkpoint', junk], '--checkpoint', 'junk.safetensors', 'safetensors');
    const noConfig = file('plain.safetensors', encodeSafetensors(new Map([['w', tensor([2], () => 1)]])));
    await refused(['eval', '--checkpoint', noConfig], 'plain.safetensors', 'config');
    const ints = file(
      'ints.safetensors',
      withInts(new Map([['w', tensor([2], () => 0)]]), 'w', { config: JSON.stringify(fm) }),
    );
    await refused(['eval', '--checkpoint', ints], 'ints.safetensors', 'I32', 'float32');
    const badConfig = file(
      'cfg.safetensors',
      encodeSafetensors(new Map([['w', tensor([2], () => 1)]]), { config: '{"net": {"depth": 99}}' }),
    );
    await refused(['eval', '--checkpoint', badConfig], 'cfg.safetensors', 'net.depth');
    const batch = file('batch.safetensors', encodeSafetensors(goodBatch()));
    await refused(['loss', '--checkpoint', junk, '--batch', batch], '--checkpoint', 'junk.safetensors');
  });

  it('loss names the batch file that is bad: not safetensors, I32, NaN, Inf, uniforms outside [0, 1)', async () => {
    const ck = checkpointOf(fm);
    const text = file('notes.txt', 'x,y\n1,2\n');
    const err = await refused(['loss', '--checkpoint', ck, '--batch', text], '--batch', 'notes.txt');
    expect(err).not.toContain('--checkpoint');
    await refused(
      ['loss', '--checkpoint', ck, '--batch', file('i32.safetensors', withInts(goodBatch(), 'random.1'))],
      'i32.safetensors',
      '"random.1"',
      'I32',
    );
    for (const [name, bad, what] of [
      ['data', Number.NaN, 'NaN'],
      ['random.0', Number.POSITIVE_INFINITY, 'Infinity'],
      ['random.1', 1.5, '[0, 1)'],
      ['random.1', -0.25, '[0, 1)'],
    ] as const) {
      const t = goodBatch();
      t.get(name)!.data[3] = bad;
      const path = file(`bad-${name}.safetensors`, encodeSafetensors(t));
      await refused(
        ['loss', '--checkpoint', ck, '--batch', path],
        path,
        `"${name}"[3]`,
        what,
        '--allow-nonfinite',
      );
    }
    const short = goodBatch();
    short.delete('random.1');
    await refused(
      ['loss', '--checkpoint', ck, '--batch', file('short.safetensors', encodeSafetensors(short))],
      'short.safetensors',
      'missing "random.1"',
    );
  });
});

/** The rows of docs/checking.md's batch table for one method: [tensor, shape symbols, distribution]. */
function docTable(method: string): { name: string; shape: string[]; dist: string }[] {
  const doc = readFileSync(resolve(import.meta.dirname, '../../docs/checking.md'), 'utf8');
  const rows: { name: string; shape: string[]; dist: string }[] = [];
  let current = '';
  for (const line of doc.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !cells[2].startsWith('`')) continue;
    if (cells[1] !== '') current = cells[1];
    if (current !== method) continue;
    const m = /^\[([^\]]+)\]\s*(\w*)/.exec(cells[3]);
    for (const name of cells[2].match(/`[^`]+`/g) ?? [])
      rows.push({ name: name.slice(1, -1), shape: m![1].split(',').map((s) => s.trim()), dist: m![2] });
  }
  return rows;
}

describe("FreeFlow's batch as docs/checking.md writes it", () => {
  it('is accepted: B is read as P + C rows, not from random.0 (which has 3B/4)', () => {
    const B = 32;
    const config = resolveExperiment({
      method: 'freeflow',
      dataset: '8gaussians',
      net: { width: 8, depth: 1 },
      teacher: { source: 'analytic' },
      train: { batch: 999 },
    });
    const rows = docTable('freeflow');
    // the student's draws, then the fake network's group (its own optimiser group, `fake.random.k`)
    expect(rows.map((r) => r.name)).toEqual([
      'random.0',
      'random.1',
      'random.2',
      'random.3',
      'random.4',
      'fake.random.0',
      'fake.random.1',
      'fake.random.2',
    ]);
    const P = (3 * B) / 4;
    const sizes: Record<string, number> = { B, P, C: B - P };
    const tensors = new Map<string, SafeTensor>(
      rows.map((r) => [
        r.name,
        tensor(
          r.shape.map((s) => sizes[s] ?? Number(s)),
          (i) => (r.dist === 'uniform' ? (i % 97) / 97 : Math.sin(i)),
        ),
      ]),
    );
    const method = methodById('freeflow');
    const params = resolveParams(method, config.params);
    const plan = planStages(method, config, params, { teacherLoaded: false });
    const stage = plan[plan.length - 1];
    let batchSeen = 0;
    const g = fitBatch(
      tensors,
      (batch) => {
        batchSeen = batch;
        return lossCheckGraph(
          method,
          { ...config, train: { ...config.train, batch } },
          params,
          stage.stage,
          stage.teacher,
        );
      },
      'batch.safetensors',
    );
    expect(batchSeen).toBe(B);
    expect(g.batch.map((b) => [b.name, b.shape.join('x'), b.dist])).toEqual(
      rows.map((r) => [r.name, r.shape.map((s) => sizes[s] ?? Number(s)).join('x'), r.dist]),
    );
  });
});
