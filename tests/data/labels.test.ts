import { describe, expect, it } from 'vitest';
import {
  EIGHT_GAUSSIANS_RADIUS,
  LABELLINGS,
  RINGS_RADII,
  UnknownLabellingError,
  labellingOf,
  oneHot,
  sampleDataCpu,
  sampleLabelsCpu,
  type DatasetName,
} from '../../src/engine/cpu/sampleData.ts';
import { sampleDataDispatch } from '../../src/engine/kernels/sampleData.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { testGpu } from '../gpu.ts';

const all = Object.entries(LABELLINGS).flatMap(([d, ls]) =>
  Object.keys(ls ?? {}).map((l) => [d as DatasetName, l] as const),
);

describe('class labels: the same classes on the GPU as the float64 reference', () => {
  it('every labelling, two sizes, seeds, streams and steps (one-hot, row i is the class of point i)', async () => {
    const rt = new Runtime(await testGpu());
    for (const [dataset, labels] of all) {
      const k = labellingOf(dataset, labels).classes;
      for (const [n, seed, stream, step] of [
        [5, 0, 0, 0],
        [777, 0xdeadbeef, 0x0da7a001, 4321],
      ]) {
        const [, out] = rt.arena([3, k * n]);
        const stepView = rt.upload([step]);
        rt.submit([sampleDataDispatch(rt, { out, n, dataset, seed, stream, step: stepView, labels })]);
        const gpu = (await rt.read(out)).subarray(0, k * n);
        const cpu = oneHot(sampleLabelsCpu(dataset, labels, n, seed, stream, step), k);
        expect(Array.from(gpu), `${dataset}/${labels} n=${n}`).toEqual(Array.from(cpu));
      }
    }
  });
});

describe('class labels mean what they say', () => {
  const n = 4000;
  const pts = (d: string) => sampleDataCpu(d, n, 3, 9, 0);
  const labs = (d: string, l: string) => sampleLabelsCpu(d, l, n, 3, 9, 0);

  it('8 gaussians: the mode is the nearest centre; groups are the mode mod 2', () => {
    const x = pts('8gaussians');
    const modes = labs('8gaussians', 'modes');
    const groups = labs('8gaussians', 'groups');
    let agree = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.atan2(x[2 * i + 1], x[2 * i]);
      const nearest = (Math.round((a / (2 * Math.PI)) * 8) + 8) % 8;
      if (nearest === modes[i]) agree++;
      expect(groups[i]).toBe(modes[i] % 2);
    }
    expect(agree / n).toBeGreaterThan(0.99);
    expect(EIGHT_GAUSSIANS_RADIUS).toBeGreaterThan(2);
  });

  it('rings: the class is the ring of the radius; checkerboard squares are disjoint boxes', () => {
    const x = pts('rings');
    const rings = labs('rings', 'rings');
    for (let i = 0; i < n; i++) {
      const r = Math.hypot(x[2 * i], x[2 * i + 1]);
      expect(Math.abs(r - RINGS_RADII[rings[i]])).toBeLessThan(0.45);
    }
    const c = pts('checkerboard');
    const sq = labs('checkerboard', 'squares');
    const boxOf = (i: number) => `${Math.floor(c[2 * i] / 2)},${Math.floor(c[2 * i + 1] / 2)}`;
    const seen = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      const b = boxOf(i);
      if (!seen.has(sq[i])) seen.set(sq[i], b);
      expect(seen.get(sq[i])).toBe(b);
    }
    expect(new Set(seen.values()).size).toBe(8);
  });

  it('moons and spirals: two balanced classes; an unknown labelling names the valid ones', () => {
    for (const [d, l] of [
      ['moons', 'moons'],
      ['spirals', 'arms'],
    ]) {
      const share = labs(d, l).reduce((a, b) => a + b, 0) / n;
      expect(Math.abs(share - 0.5)).toBeLessThan(0.05);
    }
    expect(() => labellingOf('moons', 'halves')).toThrow(UnknownLabellingError);
    expect(() => labellingOf('moons', 'halves')).toThrow(/moons/);
    expect(() => labellingOf('swissroll')).toThrow(/no class labels/);
  });
});
