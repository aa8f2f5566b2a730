import { describe, it } from 'vitest';
import { denseJvpCpu } from '../../src/engine/cpu/denseJvp.ts';
import { binaryDispatch, unaryDispatch } from '../../src/engine/kernels/elementwise.ts';
import { denseJvpDispatch } from '../../src/engine/kernels/denseJvp.ts';
import { chooseTile, matmulDispatch, type MatmulTile } from '../../src/engine/kernels/matmul.ts';
import type { EngineActivation } from '../../src/engine/activations.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

async function check(
  batch: number,
  inF: number,
  outF: number,
  act: EngineActivation,
  seed: number,
  tile?: MatmulTile,
) {
  const rt = await testRuntime();
  const x = randomArray(batch * inF, seed);
  const xDot = randomArray(batch * inF, seed + 1);
  const w = randomArray(outF * inF, seed + 2);
  const b = randomArray(outF, seed + 3);
  const [vx, vt, vw, vb, vy, vyd, vpre, uPre, uTan, uD, uY, uYd] = rt.arena([
    batch * inF,
    batch * inF,
    outF * inF,
    outF,
    ...Array<number>(8).fill(batch * outF),
  ]);
  for (const [v, a] of [
    [vx, x],
    [vt, xDot],
    [vw, w],
    [vb, b],
  ] as const)
    rt.upload(f32(a), v);
  // fused
  rt.submit([
    denseJvpDispatch(rt, {
      x: vx,
      xDot: vt,
      w: vw,
      b: vb,
      y: vy,
      yDot: vyd,
      pre: vpre,
      batch,
      inF,
      outF,
      act,
      tile,
    }),
  ]);
  // unfused: pre = x W^T + b, t = xDot W^T, y = act(pre), yDot = act'(pre) * t
  const n = batch * outF;
  rt.submit([
    matmulDispatch(rt, { a: vx, b: vw, c: uPre, m: batch, n: outF, k: inF, transB: true, bias: vb }),
    matmulDispatch(rt, { a: vt, b: vw, c: uTan, m: batch, n: outF, k: inF, transB: true }),
    unaryDispatch(rt, { x: uPre, y: uY, n, fn: { act, order: 0 } }),
    unaryDispatch(rt, { x: uPre, y: uD, n, fn: { act, order: 1 } }),
    binaryDispatch(rt, { op: 'mul', a: uD, aShape: [n], b: uTan, bShape: [n], out: uYd }),
  ]);
  const cpu = { y: new Float64Array(n), yDot: new Float64Array(n), pre: new Float64Array(n) };
  denseJvpCpu({ x, xDot, w, b, ...cpu, batch, inF, outF, act });
  const mag = new Float64Array(n).fill(inF + 1);
  const what = `${batch}x${inF}->${outF} ${act}`;
  const fused = { y: await rt.read(vy), yDot: await rt.read(vyd), pre: await rt.read(vpre) };
  expectClose(fused.pre, cpu.pre, { mag, rel: 2e-6, what: `${what} pre` });
  expectClose(fused.y, cpu.y, { mag, rel: 2e-6, what: `${what} y` });
  expectClose(fused.yDot, cpu.yDot, { mag, rel: 3e-6, what: `${what} yDot` });
  // the fused kernel agrees with the unfused composition of the engine's own kernels
  expectClose(fused.y, await rt.read(uY), { mag, rel: 2e-6, what: `${what} y fused vs unfused` });
  expectClose(fused.yDot, await rt.read(uYd), { mag, rel: 3e-6, what: `${what} yDot fused vs unfused` });
}

describe('denseJvp (fused primal + tangent) vs float64 and vs the unfused kernels', () => {
  it('awkward shapes and every activation', async () => {
    let seed = 900;
    for (const act of ['identity', 'silu', 'gelu', 'tanh', 'relu', 'sigmoid'] as const)
      await check(37, 3, 17, act, seed++);
    for (const [batch, inF, outF] of [
      [1, 1, 1],
      [2, 257, 2],
      [255, 17, 3],
      [257, 64, 255],
      [3, 2, 257],
    ])
      await check(batch, inF, outF, 'silu', seed++);
  });

  it('row-broadcast kernel (the lavapipe default where out >= 16) on awkward shapes', async () => {
    let seed = 970;
    for (const [batch, inF, outF, groups] of [
      [1, 1, 1, 1],
      [17, 3, 255, 2],
      [257, 64, 17, 1],
      [3, 257, 257, 2],
    ]) {
      const tile: MatmulTile = { wgM: 16, wgN: 16, bk: 16, stage: false, rows: { rows: 8, groups, wg: 32 } };
      await check(batch, inF, outF, 'silu', seed++, tile);
    }
  });

  it('interleaved direct loads (the SwiftShader default) on awkward shapes', async () => {
    let seed = 980;
    for (const [batch, inF, outF] of [
      [2, 257, 2],
      [255, 17, 3],
      [257, 64, 255],
    ]) {
      const tile: MatmulTile = { ...chooseTile(batch, outF, inF, false), interleave: true };
      await check(batch, inF, outF, 'tanh', seed++, tile);
    }
  });

  it('workgroup-memory tiles (the GPU default) on awkward shapes', async () => {
    const tile: MatmulTile = { wgM: 16, wgN: 16, bk: 16, stage: true };
    let seed = 950;
    for (const [batch, inF, outF] of [
      [1, 1, 1],
      [2, 257, 2],
      [257, 64, 255],
    ])
      await check(batch, inF, outF, 'gelu', seed++, tile);
  });
});
