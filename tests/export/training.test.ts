/**
 * The exported script trains: 200 CPU steps of Flow Matching whose loss falls (whose checkpoint the lab
 * reads back, and which writes finite samples), 10 MeanFlow steps on a folder of .npy arrays of another
 * dimension, and torchrun with 2 CPU processes (gloo) for 20 steps of MeanFlow that ends with
 * equal parameters on both ranks (DDP averaged the gradients of different per-rank batches).
 * About 5 s, 2 s and 20 s on a 2-core machine (each Python start imports torch).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scheduledLr } from '../../src/autodiff/cpu/adam.ts';
import { exportScript } from '../../src/export/index.ts';
import { decodeCheckpoint } from '../../src/train/checkpoint/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { PYTHON, python, requireTorch } from './torch.ts';

const net = { width: 32, depth: 2, act: 'silu', time: 'raw' } as const;

/** A float32 .npy file (format 1.0): magic, header length, a dict padded with spaces to 64 bytes, data. */
function npy(values: Float32Array, shape: number[]): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(values.buffer)]);
}

/** torchrun as Debian ships it, else the module form. */
function torchrun(): string[] {
  const r = spawnSync('torchrun', ['--help'], { encoding: 'utf8' });
  return r.status === 0 ? ['torchrun'] : [PYTHON, '-m', 'torch.distributed.run'];
}

describe('exported PyTorch script trains', () => {
  beforeAll(() => requireTorch());

  it('200 CPU steps of Flow Matching lower the loss; the checkpoint loads in the lab', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-export-train-'));
    const config = resolveExperiment({
      method: 'fm',
      dataset: 'moons',
      net,
      train: { batch: 256, lr: 3e-3 },
    });
    writeFileSync(join(dir, 'train.py'), exportScript(config));
    const log = python(
      ['train.py', '--steps', '200', '--log-every', '50', '--out', 'run', '--sample', '512', '--nfe', '8'],
      {
        cwd: dir,
      },
    );
    const losses = [...log.matchAll(/student step \d+\/200 {2}loss ([\d.e+-]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(4);
    expect(losses[3]).toBeLessThan(losses[0] * 0.9);
    // samples.npy: float32 [512, 2] after a header (magic, version, length, dict) padded to 64 bytes
    const npy = readFileSync(join(dir, 'run', 'samples.npy'));
    const header = npy.subarray(10, 10 + npy.readUInt16LE(8)).toString('latin1');
    expect(header).toMatch(/'descr': '<f4'.*'shape': \(512, 2\)/);
    const xs = new Float32Array(
      npy.buffer.slice(npy.byteOffset + 10 + header.length, npy.byteOffset + npy.length),
    );
    expect(xs).toHaveLength(1024);
    expect(xs.every(Number.isFinite)).toBe(true);
    const ck = decodeCheckpoint(readFileSync(join(dir, 'run', 'checkpoint.safetensors')));
    expect(ck.config).toEqual(config);
    expect([...ck.params.keys()].sort()).toEqual(
      ['net', 'ema.net']
        .flatMap((n) => [0, 1, 2].flatMap((i) => [`${n}.layers.${i}.bias`, `${n}.layers.${i}.weight`]))
        .sort(),
    );
  });

  it("train.schedule 'cosine': the script's rates are the lab's (scheduledLr), and a cosine run trains", () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-export-cosine-'));
    const config = resolveExperiment({
      method: 'fm',
      dataset: 'moons',
      net,
      train: { batch: 64, lr: 3e-3, schedule: 'cosine', steps: 30 },
    });
    writeFileSync(join(dir, 'train.py'), exportScript(config));
    const probe = [
      'import json, torch, train',
      'opt = torch.optim.AdamW([torch.zeros(1, requires_grad=True)], lr=0.05)',
      'sched = train.cosine_decay(opt, 3)',
      'rates = []',
      'for _ in range(5):',
      '    rates.append(opt.param_groups[0]["lr"]); opt.step(); sched.step()',
      'print(json.dumps(rates))',
    ].join('\n');
    const rates = JSON.parse(python(['-c', probe], { cwd: dir }).trim().split('\n').pop()!) as number[];
    const h = { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, clipNorm: 0, decaySteps: 3 };
    rates.forEach((r, k) => expect(r).toBeCloseTo(scheduledLr(h, k + 1), 12));
    const log = python(['train.py', '--log-every', '10', '--out', 'run'], { cwd: dir });
    expect(log).toMatch(/student step 30\/30 {2}loss [\d.]+/);
  });

  it('trains on your data: a folder of .npy arrays [N, 2, 3] (D = 6) with MeanFlow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-export-npy-'));
    const config = resolveExperiment({ method: 'meanflow', dataset: 'moons', net, train: { batch: 32 } });
    writeFileSync(join(dir, 'train.py'), exportScript(config));
    mkdirSync(join(dir, 'data'));
    for (const [k, n] of [50, 30].entries()) {
      const values = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i * 0.37 + k) * 2);
      writeFileSync(join(dir, 'data', `part${k}.npy`), npy(values, [n, 2, 3]));
    }
    const log = python(
      ['train.py', '--data', 'data', '--steps', '10', '--log-every', '5', '--out', 'run', '--sample', '7'],
      { cwd: dir },
    );
    expect(log).toMatch(/student step 10\/10 {2}loss [\d.]+/);
    const ck = decodeCheckpoint(readFileSync(join(dir, 'run', 'checkpoint.safetensors')));
    expect(ck.params.get('net.layers.0.weight')!.shape).toEqual([32, 6 + 2]); // x [B, 6], t, t - s
    expect(ck.params.get('net.layers.2.weight')!.shape).toEqual([6, 32]);
    expect(readFileSync(join(dir, 'run', 'samples.npy')).toString('latin1', 10, 80)).toContain(
      "'shape': (7, 6)",
    );
  });

  it('torchrun --nproc_per_node 2 (gloo, CPU): 20 steps keep the ranks equal', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fml-export-ddp-'));
    const config = resolveExperiment({ method: 'meanflow', dataset: 'moons', net, train: { batch: 32 } });
    writeFileSync(join(dir, 'train.py'), exportScript(config));
    const [cmd, ...pre] = torchrun();
    // --redirects 1 --tee 1: Debian's torch 1.13 launcher fails on Python 3.11 with its default of 0
    const args = [
      ...pre,
      '--standalone',
      '--redirects',
      '1',
      '--tee',
      '1',
      '--nproc_per_node',
      '2',
      'train.py',
    ];
    const r = spawnSync(
      cmd,
      [...args, '--steps', '20', '--log-every', '10', '--out', 'run', '--rank-checkpoints'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 180_000,
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      },
    );
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/student step 20\/20/);
    const ranks = [0, 1].map((k) => {
      const path = join(dir, 'run', `checkpoint.rank${k}.safetensors`);
      expect(existsSync(path)).toBe(true);
      return decodeCheckpoint(readFileSync(path));
    });
    // each process drew its own batch (its last losses differ), yet the parameters agree exactly
    expect(ranks[0].metadata.loss).not.toEqual(ranks[1].metadata.loss);
    expect([...ranks[1].params.keys()]).toEqual([...ranks[0].params.keys()]);
    for (const [name, p] of ranks[0].params)
      expect(Array.from(ranks[1].params.get(name)!.data), name).toEqual(Array.from(p.data));
  });
});
