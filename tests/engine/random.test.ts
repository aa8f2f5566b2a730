import { describe, expect, it } from 'vitest';
import { philox4x32_10 } from '../../src/engine/cpu/philox.ts';
import { randomCpu } from '../../src/engine/cpu/random.ts';
import { randomDispatch, stepCounterDispatch, type RandomFill } from '../../src/engine/kernels/random.ts';
import { testRuntime } from './helpers.ts';

const hex = (w: number[]) => w.map((x) => (x >>> 0).toString(16).padStart(8, '0')).join(' ');

function moments(x: ArrayLike<number>) {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    m2 += (d * d) / n;
    m3 += (d * d * d) / n;
    m4 += (d * d * d * d) / n;
  }
  return { mean, variance: m2, skew: m3 / m2 ** 1.5, kurtosis: m4 / (m2 * m2) };
}

function correlation(x: ArrayLike<number>, y: ArrayLike<number>) {
  const mx = moments(x);
  const my = moments(y);
  let c = 0;
  for (let i = 0; i < x.length; i++) c += ((x[i] - mx.mean) * (y[i] - my.mean)) / x.length;
  return c / Math.sqrt(mx.variance * my.variance);
}

async function fill(dist: RandomFill, n: number, seed: number, stream: number, step: number) {
  const rt = await testRuntime();
  const [vs, vo] = rt.arena([1, n]);
  rt.upload(new Float32Array([step]), vs);
  rt.submit([randomDispatch(rt, { step: vs, out: vo, n, dist, seed, stream })]);
  return rt.readBytes(vo);
}

describe('Philox4x32-10', () => {
  it('CPU reference matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32_10([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    expect(
      hex(philox4x32_10([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])),
    ).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(
      hex(philox4x32_10([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('GPU bits equal CPU bits exactly', async () => {
    for (const [seed, stream, step] of [
      [0, 0, 0],
      [12345, 3, 17],
      [0xdeadbeef, 0xffffffff, 100000],
    ]) {
      const n = 4 * 1031;
      const gpu = new Uint32Array(await fill('bits', n, seed, stream, step));
      const cpu = new Uint32Array(n);
      randomCpu({ step: new Float64Array([step]), out: cpu, n, dist: 'bits', seed, stream });
      expect(Array.from(gpu)).toEqual(Array.from(cpu));
    }
  });

  it('GPU uniform and normal values equal the float64 reference to f32 rounding', async () => {
    const n = 4099;
    for (const dist of ['uniform', 'normal'] as const) {
      const gpu = new Float32Array(await fill(dist, n, 7, 1, 5));
      const cpu = new Float64Array(n);
      randomCpu({ step: new Float64Array([5]), out: cpu, n, dist, seed: 7, stream: 1 });
      for (let i = 0; i < n; i++)
        expect(Math.abs(gpu[i] - cpu[i]), `${dist}[${i}]`).toBeLessThan(
          dist === 'uniform' ? 1e-7 : 2e-5 * (1 + Math.abs(cpu[i])),
        );
    }
  });

  it('moments of uniform and normal fills are within sampling error (n = 2^18)', async () => {
    const n = 1 << 18;
    const se = 1 / Math.sqrt(n);
    const u = moments(new Float32Array(await fill('uniform', n, 99, 0, 1)));
    expect(Math.abs(u.mean - 0.5)).toBeLessThan(5 * se * Math.sqrt(1 / 12));
    expect(Math.abs(u.variance - 1 / 12)).toBeLessThan(5 * se * Math.sqrt(1 / 180));
    expect(Math.abs(u.skew)).toBeLessThan(5 * se * 1.2);
    expect(Math.abs(u.kurtosis - 1.8)).toBeLessThan(5 * se * 1.0);
    const z = moments(new Float32Array(await fill('normal', n, 99, 0, 1)));
    expect(Math.abs(z.mean)).toBeLessThan(5 * se);
    expect(Math.abs(z.variance - 1)).toBeLessThan(5 * se * Math.sqrt(2));
    expect(Math.abs(z.skew)).toBeLessThan(5 * se * Math.sqrt(6));
    expect(Math.abs(z.kurtosis - 3)).toBeLessThan(5 * se * Math.sqrt(24));
  });

  it('streams, steps and seeds are independent', async () => {
    const n = 1 << 16;
    const base = new Float32Array(await fill('normal', n, 5, 0, 1));
    const others = [
      new Float32Array(await fill('normal', n, 5, 1, 1)),
      new Float32Array(await fill('normal', n, 5, 0, 2)),
      new Float32Array(await fill('normal', n, 6, 0, 1)),
    ];
    for (const o of others) {
      expect(Math.abs(correlation(base, o))).toBeLessThan(5 / Math.sqrt(n));
      expect(Array.from(o.slice(0, 16))).not.toEqual(Array.from(base.slice(0, 16)));
      // neighbouring elements are uncorrelated too (lag 1)
      expect(Math.abs(correlation(o.subarray(1), o.subarray(0, n - 1)))).toBeLessThan(5 / Math.sqrt(n));
    }
  });

  it('step counter: K increments recorded in one command buffer', async () => {
    const rt = await testRuntime();
    const [vs, vo] = rt.arena([1, 8]);
    rt.upload(new Float32Array([3]), vs);
    rt.submit(
      [
        stepCounterDispatch(rt, { step: vs }),
        randomDispatch(rt, { step: vs, out: vo, n: 8, dist: 'uniform', seed: 1, stream: 0 }),
      ],
      5,
    );
    expect((await rt.read(vs))[0]).toBe(8);
    const cpu = new Float64Array(8);
    randomCpu({ step: new Float64Array([8]), out: cpu, n: 8, dist: 'uniform', seed: 1, stream: 0 });
    const gpu = await rt.read(vo);
    for (let i = 0; i < 8; i++) expect(Math.abs(gpu[i] - cpu[i])).toBeLessThan(1e-7);
  });
});
