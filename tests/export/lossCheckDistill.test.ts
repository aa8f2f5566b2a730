/**
 * The exports of the distribution-matching and conditional-map methods (DMD2 / DMD / VSD, TMD's two
 * stages, Meta Flow Maps), of MeanFlow distillation (plain and guided, trained and analytic teacher) and
 * of class-conditional runs of every method that takes labels: the script's --loss-check (PyTorch,
 * float64) against the graph of `flowmap-lab loss` (float64 CPU executor), loss terms of every optimiser
 * group and every gradient to 1e-4 relative; and the command itself (float32 on the GPU) on the
 * class-conditional FreeFlow batch. Small networks and batches, one Python process for all cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { decodeSafetensors, toFloat32 } from '../../src/train/checkpoint/index.ts';
import { testGpu } from '../gpu.ts';
import { compareLossCheck, relativeErrors, runLossChecks, type CheckCase, type LossCase } from './torch.ts';

const net = { width: 10, depth: 2, act: 'silu', time: 'raw' } as const;
const train = { batch: 16 };
const analytic = { source: 'analytic' } as const;

const CASES: CheckCase[] = [
  {
    name: 'dmd2, one step, analytic teacher',
    config: { method: 'dmd', dataset: '8gaussians', net, train, teacher: analytic },
    teacher: false,
  },
  {
    name: 'dmd (paired-noise regression), two steps, shifted r, trained teacher',
    config: {
      method: 'dmd',
      dataset: 'moons',
      net: { ...net, act: 'gelu' },
      train,
      params: { variant: 'dmd', steps: 2, timeShift: 2, teacherSteps: 2, regressionWeight: 0.5 },
    },
    teacher: true,
  },
  {
    name: 'vsd, four steps, Fourier time features',
    config: {
      method: 'dmd',
      dataset: '8gaussians',
      net: { ...net, time: 'fourier' },
      train: { batch: 18 },
      teacher: analytic,
      params: { variant: 'vsd', steps: 4, fakeUpdates: 2 },
    },
    teacher: false,
  },
  {
    name: 'tmd distillation, 2 x 2 unrolled steps, trained teacher',
    config: { method: 'tmd', dataset: 'moons', net, train, params: { outerSteps: 2, innerSteps: 2 } },
    teacher: true,
  },
  {
    name: 'tmd distillation, vsd, shifted r, analytic teacher',
    config: {
      method: 'tmd',
      dataset: '8gaussians',
      net,
      train,
      teacher: analytic,
      params: { matching: 'vsd', timeShift: 3, innerSteps: 3 },
    },
    teacher: false,
  },
  {
    name: 'tmd pretraining (forward-mode JVP)',
    config: { method: 'tmd', dataset: 'moons', net, train, params: { ratioEqual: 0.5 } },
    teacher: true,
    stage: 'pretrain',
  },
  {
    name: 'tmd pretraining (finite difference)',
    config: {
      method: 'tmd',
      dataset: 'moons',
      net,
      train,
      params: { headJvp: 'finiteDifference', fdDelta: 0.01, ratioEqual: 0.25 },
    },
    teacher: true,
    stage: 'pretrain',
  },
  {
    name: 'meanflowDistill, trained teacher',
    config: { method: 'meanflowDistill', dataset: 'moons', net, train, params: { ratioEqual: 0.25 } },
    teacher: true,
  },
  {
    name: 'meanflowDistill, analytic teacher, uniform times, plain MSE',
    config: {
      method: 'meanflowDistill',
      dataset: 'gmm3',
      net: { ...net, act: 'gelu' },
      train,
      teacher: analytic,
      params: { timeDist: 'uniform', ratioEqual: 0.5, adaptiveP: 0 },
    },
    teacher: false,
  },
  {
    name: 'class-conditional meanflowDistill, guided trained teacher (w = 2.5)',
    config: {
      method: 'meanflowDistill',
      dataset: 'moons',
      net,
      train,
      condition: { labels: 'moons', cfg: 2.5 },
      params: { ratioEqual: 0.25, adaptiveP: 0.5 },
    },
    teacher: true,
  },
  {
    name: 'class-conditional meanflowDistill, guided analytic teacher (w = 3)',
    config: {
      method: 'meanflowDistill',
      dataset: '8gaussians',
      net,
      train,
      teacher: analytic,
      condition: { labels: 'groups', cfg: 3 },
    },
    teacher: false,
  },
  {
    name: 'class-conditional meanflowDistill teacher stage (label dropout)',
    config: {
      method: 'meanflowDistill',
      dataset: 'moons',
      net,
      train,
      condition: { labels: 'moons', dropout: 0.2, cfg: 2 },
    },
    teacher: false,
    stage: 'teacher',
  },
  {
    name: 'mfm eulerian (GLASS tangent), trained teacher',
    config: { method: 'mfm', dataset: 'moons', net, train },
    teacher: true,
  },
  {
    name: 'mfm lagrangian, analytic teacher of gmm3',
    config: {
      method: 'mfm',
      dataset: 'gmm3',
      net,
      train,
      teacher: analytic,
      params: { consistency: 'lagrangian', condPower: 1.5, condNoiseShare: 0.25 },
    },
    teacher: false,
  },
  {
    name: 'mfm semigroup, own tangent, plain MSE',
    config: {
      method: 'mfm',
      dataset: 'moons',
      net,
      train,
      params: { consistency: 'semigroup', condPower: 1, diagonalP: 0, offDiagonalP: 0, consistencyWeight: 2 },
    },
    teacher: true,
  },
  {
    name: 'class-conditional fm (label dropout)',
    config: { method: 'fm', dataset: 'moons', net, train, condition: { labels: 'moons', dropout: 0.3 } },
    teacher: false,
  },
  {
    name: 'class-conditional flowmap teacher stage (label dropout)',
    config: {
      method: 'flowmap',
      dataset: 'rings',
      net,
      train,
      condition: { labels: 'rings', dropout: 0.25, cfg: 2 },
    },
    teacher: false,
    stage: 'teacher',
  },
  {
    name: 'class-conditional flowmap, guided analytic teacher (w = 2)',
    config: {
      method: 'flowmap',
      dataset: '8gaussians',
      net,
      train,
      teacher: analytic,
      condition: { labels: 'groups', cfg: 2 },
      params: { variant: 'lagrangian' },
    },
    teacher: false,
  },
  {
    name: 'class-conditional meanflow',
    config: { method: 'meanflow', dataset: 'pinwheel', net, train, condition: { labels: 'arms' } },
    teacher: false,
  },
  {
    name: 'class-conditional tvm',
    config: { method: 'tvm', dataset: 'checkerboard', net, train, condition: { labels: 'colours' } },
    teacher: false,
  },
  {
    name: 'class-conditional freeflow, guided trained teacher (w = 1.5)',
    config: {
      method: 'freeflow',
      dataset: 'moons',
      net,
      train,
      condition: { labels: 'moons', cfg: 1.5 },
    },
    teacher: true,
  },
];

describe('exported PyTorch script: DMD, TMD, Meta Flow Maps, MeanFlow distillation and class-conditional runs match flowmap-lab loss', () => {
  let runs: Map<string, { k: LossCase; out: string }>;
  beforeAll(() => {
    runs = runLossChecks(CASES);
  });

  // the command itself (the compiled float32 GPU program) on a class-conditional batch: labels, label
  // dropout and the guided teacher at w = 1.5 through the CLI's feeds
  it('flowmap-lab loss agrees with --loss-check: class-conditional freeflow', async () => {
    await testGpu();
    const { k, out } = runs.get('class-conditional freeflow, guided trained teacher (w = 1.5)')!;
    const lab = join(k.dir, 'lab.safetensors');
    expect(await main(['loss', '--checkpoint', k.checkpoint, '--batch', k.batch, '--out', lab])).toBe(0);
    const read = (f: string) =>
      new Map([...decodeSafetensors(readFileSync(f)).tensors].map(([n, t]) => [n, toFloat32(t)]));
    const torch = new Map([...read(out)].map(([n, v]) => [n, Float64Array.from(v)]));
    const got = read(lab);
    expect([...got.keys()].sort()).toEqual([...torch.keys()].sort());
    for (const [n, e] of Object.entries(relativeErrors(torch, got))) expect(e, n).toBeLessThan(1e-4);
  });

  for (const c of CASES)
    it(c.name, () => {
      const run = runs.get(c.name)!;
      const groups = [...run.k.want.keys()].filter((n) => n.endsWith('loss'));
      const worst = compareLossCheck(run);
      if (process.env.EXPORT_ERRORS)
        console.log(`${c.name}: ${worst.toExponential(2)} (${groups.join(', ')})`);
      expect(worst).toBeLessThan(1e-4);
    });
});
