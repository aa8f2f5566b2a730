import { describe, it } from 'vitest';
import { broadcastShapes, sizeOf, type Shape } from '../../src/engine/broadcast.ts';
import { binaryCpu, unaryCpu } from '../../src/engine/cpu/elementwise.ts';
import {
  binaryDispatch,
  unaryDispatch,
  type EngineBinaryOp,
  type EngineUnaryOp,
} from '../../src/engine/kernels/elementwise.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

describe('unary kernel vs float64', () => {
  it('every op on 257 values', async () => {
    const rt = await testRuntime();
    const n = 257;
    const ops: EngineUnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'square', 'recip', 'sin', 'cos', 'abs'];
    for (const op of ops) {
      const positive = op === 'log' || op === 'sqrt' || op === 'recip';
      const x = randomArray(n, 3, 4).map((v) => (positive ? Math.fround(Math.abs(v) + 0.01) : v));
      const [vx, vy] = rt.arena([n, n]);
      rt.upload(f32(x), vx);
      rt.submit([unaryDispatch(rt, { x: vx, y: vy, n, fn: { op } })]);
      const y = new Float64Array(n);
      unaryCpu({ x, y, n, fn: { op } });
      expectClose(await rt.read(vy), y, { rel: 4e-6, abs: 4e-6, what: op });
    }
  });
});

describe('binary kernel (numpy broadcasting) vs float64', () => {
  const cases: [Shape, Shape][] = [
    [[257], [257]],
    [[17, 3], [3]],
    [
      [17, 1],
      [1, 3],
    ],
    [[1], [2, 3, 4, 5]],
    [
      [2, 1, 4, 1],
      [3, 1, 5],
    ],
    [
      [255, 2],
      [255, 1],
    ],
    [[], [3, 2]],
  ];
  it('every op on broadcast shapes', async () => {
    const rt = await testRuntime();
    const ops: EngineBinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'greater'];
    let seed = 40;
    for (const op of ops) {
      for (const [as, bs] of cases) {
        const a = randomArray(sizeOf(as), seed++, 2);
        const b = randomArray(sizeOf(bs), seed++, 2).map((v) =>
          op === 'div' ? Math.fround(v + Math.sign(v) * 0.5) : v,
        );
        const [va, vb, vo] = rt.arena([a.length, b.length, 1024]);
        rt.upload(f32(a), va);
        rt.upload(f32(b), vb);
        rt.submit([binaryDispatch(rt, { op, a: va, aShape: as, b: vb, bShape: bs, out: vo })]);
        const out = new Float64Array(sizeOf(broadcastShapes(as, bs)));
        binaryCpu({ op, a, aShape: as, b, bShape: bs, out });
        const gpu = await rt.read(vo);
        expectClose(gpu.slice(0, out.length), out, { rel: 1e-6, abs: 1e-6, what: `${op} [${as}] [${bs}]` });
      }
    }
  });

  it('select(cond, a, b) with a broadcast condition', async () => {
    const rt = await testRuntime();
    const cond = Float64Array.from({ length: 17 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const a = randomArray(17 * 4, 5);
    const b = randomArray(4, 6);
    const [vc, va, vb, vo] = rt.arena([17, 68, 4, 68]);
    rt.upload(f32(cond), vc);
    rt.upload(f32(a), va);
    rt.upload(f32(b), vb);
    rt.submit([
      binaryDispatch(rt, {
        op: 'select',
        a: va,
        aShape: [17, 4],
        b: vb,
        bShape: [4],
        cond: vc,
        condShape: [17, 1],
        out: vo,
      }),
    ]);
    const out = new Float64Array(68);
    binaryCpu({ op: 'select', a, aShape: [17, 4], b, bShape: [4], cond, condShape: [17, 1], out });
    expectClose(await rt.read(vo), out, { rel: 0, abs: 0 });
  });
});
