/**
 * Every exported method computes the lab's objective: the script's --loss-check (PyTorch, float64) on a
 * lab checkpoint and batch against the graph of `flowmap-lab loss` (float64 CPU executor), loss terms
 * and every gradient to 1e-4 relative; and the command itself (float32 on the GPU) against the script on
 * two of the batches. Small networks and batches: one Python process for all cases, about 5-10 s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { decodeSafetensors, toFloat32 } from '../../src/train/checkpoint/index.ts';
import { testGpu } from '../gpu.ts';
import { compareLossCheck, relativeErrors, runLossChecks, type CheckCase, type LossCase } from './torch.ts';

const net = { width: 12, depth: 2, act: 'silu', time: 'raw' } as const;
const train = { batch: 16, ema: 0.99 };

const CASES: CheckCase[] = [
  { name: 'fm', config: { method: 'fm', dataset: 'moons', net, train }, teacher: false },
  {
    name: 'fm (logit-normal t, Fourier time features, GELU)',
    config: {
      method: 'fm',
      dataset: 'spirals',
      net: { ...net, time: 'fourier', act: 'gelu' },
      train,
      params: { timeDist: 'logitNormal', timeMean: -0.3, timeStd: 1.2 },
    },
    teacher: false,
  },
  {
    name: 'flowmap trajectory, analytic teacher',
    config: {
      method: 'flowmap',
      dataset: '8gaussians',
      net,
      train,
      teacher: { source: 'analytic' },
      params: { variant: 'trajectory', teacherSteps: 3, teacherSolver: 'heun' },
    },
    teacher: false,
  },
  {
    name: 'flowmap trajectory, trained teacher (midpoint)',
    config: {
      method: 'flowmap',
      dataset: 'moons',
      net: { ...net, act: 'tanh' },
      train,
      params: { variant: 'trajectory', teacherSteps: 2, teacherSolver: 'midpoint' },
    },
    teacher: true,
  },
  {
    name: 'flowmap lagrangian (LMD), trained teacher',
    config: { method: 'flowmap', dataset: 'moons', net, train, params: { variant: 'lagrangian' } },
    teacher: true,
  },
  {
    name: 'flowmap lagrangianSelf (LSD), logit-normal times',
    config: {
      method: 'flowmap',
      dataset: 'checkerboard',
      net: { ...net, time: 'fourier' },
      train,
      params: { variant: 'lagrangianSelf', timeDist: 'logitNormal', diagonalWeight: 0.5 },
    },
    teacher: false,
  },
  { name: 'meanflow', config: { method: 'meanflow', dataset: 'moons', net, train }, teacher: false },
  {
    name: 'meanflow (uniform times, own-velocity tangent)',
    config: {
      method: 'meanflow',
      dataset: 'rings',
      net,
      train,
      params: { timeDist: 'uniform', ratioEqual: 0.25, jvpVelocityMix: 0.5, adaptiveP: 0.5 },
    },
    teacher: false,
  },
  {
    name: 'tvm (EMA target network)',
    config: { method: 'tvm', dataset: 'moons', net, train },
    teacher: false,
  },
  {
    name: 'tvm (detached JVP)',
    config: { method: 'tvm', dataset: 'pinwheel', net, train, params: { detachJvp: true, fmWeight: 2 } },
    teacher: false,
  },
  {
    name: 'freeflow (predictor and corrector, fake network)',
    config: { method: 'freeflow', dataset: 'moons', net, train },
    teacher: true,
  },
  {
    name: 'freeflow (residual form, logit-normal d, no corrector)',
    config: {
      method: 'freeflow',
      dataset: 'moons',
      net,
      train,
      params: { predictorForm: 'residual', deltaDist: 'logitNormal', corrector: false, weightPower: 0.5 },
    },
    teacher: true,
  },
];

describe('exported PyTorch script: --loss-check matches flowmap-lab loss', () => {
  let runs: Map<string, { k: LossCase; out: string }>;
  beforeAll(() => {
    runs = runLossChecks(CASES);
  });

  for (const c of CASES) {
    it(c.name, () => {
      const run = runs.get(c.name)!;
      expect([...run.k.want.keys()].some((n) => n.startsWith('grad.net.layers.'))).toBe(true);
      const worst = compareLossCheck(run);
      if (process.env.EXPORT_ERRORS) console.log(c.name, worst);
      expect(worst).toBeLessThan(1e-4);
    });
  }

  // the command itself (the compiled float32 GPU program) on two of the batches: a JVP method and the
  // data-free FreeFlow, whose batch size the command infers from the predictor and corrector rows
  for (const name of ['meanflow', 'freeflow (predictor and corrector, fake network)'])
    it(`flowmap-lab loss agrees with --loss-check: ${name}`, async () => {
      await testGpu();
      const { k, out } = runs.get(name)!;
      const lab = join(k.dir, 'lab.safetensors');
      expect(await main(['loss', '--checkpoint', k.checkpoint, '--batch', k.batch, '--out', lab])).toBe(0);
      const torch = new Map(
        [...decodeSafetensors(readFileSync(out)).tensors].map(([n, t]) => [n, Float64Array.from(t.data)]),
      );
      const got = new Map(
        [...decodeSafetensors(readFileSync(lab)).tensors].map(([n, t]) => [n, toFloat32(t)]),
      );
      expect([...got.keys()].sort()).toEqual([...torch.keys()].sort());
      for (const [n, e] of Object.entries(relativeErrors(torch, got))) expect(e, n).toBeLessThan(1e-4);
    });
});
