import { describe, expect, it } from 'vitest';
import { matmulCpu, type MatmulCpuArgs } from '../../src/engine/cpu/matmul.ts';
import {
  chooseTile,
  matmulDispatch,
  prefersLongK,
  matmulNaiveDispatch,
  type MatmulArgs,
  type MatmulTile,
} from '../../src/engine/kernels/matmul.ts';
import type { EngineActivation } from '../../src/engine/activations.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

interface Case {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  bias?: boolean;
  act?: EngineActivation;
  pre?: boolean;
  gate?: EngineActivation;
  rowsum?: boolean;
  accumulate?: boolean;
  /** Force a tile (default: chooseTile for the adapter). */
  tile?: MatmulTile;
}

/** Runs one case on the GPU (all tensors in one arena, so every view has an offset) and on the CPU. */
async function check(c: Case, seed: number) {
  const rt = await testRuntime();
  const { m, n, k } = c;
  const a = randomArray(m * k, seed);
  const b = randomArray(k * n, seed + 1);
  const bias = randomArray(n, seed + 2);
  const p = randomArray(m * k, seed + 3, 2);
  const c0 = randomArray(m * n, seed + 4);
  const r0 = randomArray(m, seed + 5);
  const [va, vb, vbias, vp, vc, vpre, vr] = rt.arena([m * k, k * n, n, m * k, m * n, m * n, m]);
  rt.upload(f32(a), va);
  rt.upload(f32(b), vb);
  rt.upload(f32(bias), vbias);
  rt.upload(f32(p), vp);
  rt.upload(f32(c0), vc);
  rt.upload(f32(r0), vr);
  const args: MatmulArgs = {
    a: va,
    b: vb,
    c: vc,
    m,
    n,
    k,
    transA: c.transA,
    transB: c.transB,
    act: c.act,
    accumulate: c.accumulate,
    bias: c.bias ? vbias : undefined,
    pre: c.pre ? vpre : undefined,
    gate: c.gate ? { p: vp, act: c.gate } : undefined,
    rowsum: c.rowsum ? vr : undefined,
    tile: c.tile,
  };
  rt.submit([matmulDispatch(rt, args)]);
  const cpu: MatmulCpuArgs = {
    a,
    b,
    c: Float64Array.from(c0),
    m,
    n,
    k,
    transA: c.transA,
    transB: c.transB,
    act: c.act,
    accumulate: c.accumulate,
    bias: c.bias ? bias : undefined,
    pre: c.pre ? new Float64Array(m * n) : undefined,
    gate: c.gate ? { p, act: c.gate } : undefined,
    rowsum: c.rowsum ? Float64Array.from(r0) : undefined,
  };
  matmulCpu(cpu);
  // magnitude of each output: sum_k |a||b| + |bias| (+ |c0| when accumulating); activations are 1-Lipschitz-ish.
  const mag = new Float64Array(m * n).fill(k + 2 + (c.accumulate ? 1 : 0)).map((x) => x * (c.gate ? 2 : 1));
  const what = JSON.stringify(c);
  expectClose(await rt.read(vc), cpu.c, { mag, rel: 2e-6, what: `${what} C` });
  if (cpu.pre) expectClose(await rt.read(vpre), cpu.pre, { mag, rel: 2e-6, what: `${what} pre` });
  if (cpu.rowsum)
    expectClose(await rt.read(vr), cpu.rowsum, {
      mag: new Float64Array(m).fill(2 * k + 1),
      rel: 2e-6,
      what: `${what} rowsum`,
    });
}

const AWKWARD = [1, 2, 3, 17, 255, 257];

describe('matmul (tiled) vs float64 reference', () => {
  // Every distinct tile is a pipeline that lavapipe compiles with LLVM (about a second each, cached on
  // disk afterwards): the staged path runs on one tile for the layout sweep, plus the narrow tiles.
  const STAGED: MatmulTile = { wgM: 16, wgN: 16, bk: 16, stage: true };
  it('workgroup-memory tiles: narrow tiles chosen for small N, small M and small K', async () => {
    let seed = 60;
    for (const [m, n, k] of [
      [257, 2, 17],
      [3, 257, 255],
      [255, 17, 3],
    ]) {
      await check({ m, n, k, transA: true, tile: chooseTile(m, n, k, true) }, seed++);
    }
  });

  it('split-K kernel for small outputs with long K (the GPU default there): layouts, epilogues, workgroup sizes', async () => {
    let seed = 700;
    const tile = (wg: number): MatmulTile => ({ ...STAGED, longK: wg });
    for (const [transA, transB] of [
      [true, false],
      [false, true],
      [false, false],
      [true, true],
    ]) {
      for (const [m, n, k] of [
        [256, 4, 1024],
        [2, 256, 1023],
        [5, 3, 1],
        [3, 7, 300],
      ])
        await check({ m, n, k, transA, transB, tile: tile(128) }, seed++);
    }
    await check({ m: 257, n: 4, k: 515, transA: true, gate: 'silu', rowsum: true, tile: tile(64) }, seed++);
    await check(
      { m: 2, n: 257, k: 515, transA: true, rowsum: true, accumulate: true, tile: tile(256) },
      seed++,
    );
    await check(
      { m: 1024, n: 2, k: 256, transB: true, bias: true, act: 'silu', pre: true, tile: tile(128) },
      seed++,
    );
    await check({ m: 9, n: 6, k: 200, bias: true, act: 'tanh', accumulate: true, tile: tile(32) }, seed);
  });

  it('GPUs send small outputs with long K to the split-K kernel, and nothing else', () => {
    expect(prefersLongK(256, 4, 1024)).toBe(true); // first layer's weight gradient
    expect(prefersLongK(2, 256, 1024)).toBe(true); // last layer's weight gradient
    expect(prefersLongK(1024, 2, 256)).toBe(true); // last layer's forward
    expect(prefersLongK(256, 256, 1024)).toBe(false); // hidden weight gradient: the tiled kernel fills the GPU
    expect(prefersLongK(1024, 256, 4)).toBe(false); // first layer's forward: K = 4
  });

  const PATHS = {
    'workgroup-memory tiles': () => STAGED,
    'direct loads': (m: number, n: number, k: number) => chooseTile(m, n, k, false),
    'row-broadcast kernel': (m: number, n: number, k: number) => chooseTile(m, n, k, false, true),
    'interleaved direct loads': (m: number, n: number, k: number) => chooseTile(m, n, k, false, false, true),
  };
  for (const [path, tileOf] of Object.entries(PATHS)) {
    it(`plain product, all four layouts, awkward shapes (${path})`, async () => {
      let seed = 1;
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        for (const [m, n, k] of [
          [1, 1, 1],
          [2, 3, 17],
          [17, 2, 3],
          [255, 17, 2],
          [3, 257, 255],
          [257, 255, 3],
          [64, 64, 64],
          [1, 257, 17],
        ]) {
          await check({ m, n, k, transA, transB, tile: tileOf(m, n, k) }, seed++);
        }
      }
    });

    it(`fused epilogue and backward fusions (${path})`, async () => {
      await check({ m: 70, n: 19, k: 3, bias: true, act: 'gelu', pre: true, tile: tileOf(70, 19, 3) }, 50);
      await check(
        {
          m: 17,
          n: 3,
          k: 257,
          transA: true,
          gate: 'silu',
          rowsum: true,
          accumulate: true,
          tile: tileOf(17, 3, 257),
        },
        51,
      );
      await check({ m: 257, n: 5, k: 17, gate: 'tanh', accumulate: true, tile: tileOf(257, 5, 17) }, 52);
      // outputs wide enough for the row-broadcast kernel, with every fusion it carries
      await check(
        {
          m: 17,
          n: 65,
          k: 255,
          transA: true,
          gate: 'silu',
          rowsum: true,
          accumulate: true,
          tile: tileOf(17, 65, 255),
        },
        53,
      );
      await check(
        { m: 33, n: 257, k: 17, bias: true, act: 'silu', pre: true, tile: tileOf(33, 257, 17) },
        54,
      );
    });
  }

  it('every dimension in {1, 2, 3, 17, 255, 257} (A.B)', async () => {
    let seed = 100;
    for (const m of AWKWARD)
      for (const n of [1, 3, 257]) for (const k of [2, 17, 257]) await check({ m, n, k }, seed++);
    for (const n of AWKWARD) await check({ m: 33, n, k: 5 }, seed++);
  });

  it('epilogue: bias, every activation, pre-activation output', async () => {
    let seed = 200;
    for (const act of ['identity', 'silu', 'gelu', 'tanh', 'relu', 'sigmoid'] as const) {
      await check({ m: 70, n: 19, k: 3, bias: true, act, pre: true }, seed++);
      await check({ m: 5, n: 2, k: 130, bias: true, act, transB: true }, seed++);
    }
  });

  it('backward fusions: gated A, row sums (bias gradient), accumulation', async () => {
    let seed = 300;
    for (const gate of ['silu', 'gelu', 'tanh', 'relu'] as const) {
      // dW = (dy * act'(pre))^T . x with the bias gradient, as the training step computes it
      await check({ m: 17, n: 3, k: 257, transA: true, gate, rowsum: true }, seed++);
      // dx = (dy * act'(pre)) . W, accumulated into an existing gradient
      await check({ m: 257, n: 3, k: 17, gate, accumulate: true }, seed++);
    }
    await check({ m: 2, n: 255, k: 300, transA: true, gate: 'silu', rowsum: true, accumulate: true }, seed);
  });

  it('naive kernel agrees with the reference', async () => {
    const rt = await testRuntime();
    for (const [transA, transB] of [
      [false, false],
      [true, false],
      [false, true],
    ]) {
      const [m, n, k] = [37, 19, 23];
      const a = randomArray(m * k, 7);
      const b = randomArray(k * n, 8);
      const [va, vb, vc] = rt.arena([m * k, k * n, m * n]);
      rt.upload(f32(a), va);
      rt.upload(f32(b), vb);
      rt.submit([matmulNaiveDispatch(rt, { a: va, b: vb, c: vc, m, n, k, transA, transB })]);
      const c = new Float64Array(m * n);
      matmulCpu({ a, b, c, m, n, k, transA, transB });
      expectClose(await rt.read(vc), c, { mag: new Float64Array(m * n).fill(k), rel: 2e-6 });
    }
  });
});
