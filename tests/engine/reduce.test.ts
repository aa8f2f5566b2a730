import { describe, it } from 'vitest';
import { sizeOf, type Shape } from '../../src/engine/broadcast.ts';
import { reduceCpu, weightedMeanCpu } from '../../src/engine/cpu/reduce.ts';
import { reduceDispatch, weightedMeanDispatch, type ReduceOp } from '../../src/engine/kernels/reduce.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

describe('reductions vs float64', () => {
  const cases: [Shape, number[]][] = [
    [[257], [0]],
    [[17, 3], [0]],
    [[17, 3], [1]],
    [
      [255, 2],
      [0, 1],
    ],
    [
      [3, 5, 7],
      [0, 2],
    ],
    [
      [2, 3, 4, 5],
      [1, 3],
    ],
    [
      [2, 3, 4, 5],
      [0, 1, 2, 3],
    ],
    [[4, 300], [1]],
    [[5000, 2], [0]],
    [[1, 1], [0]],
  ];
  it('sum, max and sum of squares over any set of axes', async () => {
    const rt = await testRuntime();
    let seed = 500;
    for (const op of ['sum', 'max'] as ReduceOp[]) {
      for (const square of op === 'sum' ? [false, true] : [false]) {
        for (const [shape, axes] of cases) {
          const n = sizeOf(shape);
          const x = randomArray(n, seed++, 3);
          const nOut = sizeOf(shape.filter((_, d) => !axes.includes(d)));
          const [vx, vo] = rt.arena([n, nOut]);
          rt.upload(f32(x), vx);
          rt.submit([reduceDispatch(rt, { x: vx, shape, axes, op, square, out: vo })]);
          const out = new Float64Array(nOut);
          reduceCpu({ x, shape, axes, op, square, out });
          const nRed = n / nOut;
          const mag = new Float64Array(nOut).fill(op === 'max' ? 3 : 9 * nRed);
          expectClose(await rt.read(vo), out, {
            mag,
            rel: 2e-6,
            what: `${op}${square ? '^2' : ''} [${shape}] axes [${axes}]`,
          });
        }
      }
    }
  });

  it('weighted mean sum w x / sum w', async () => {
    const rt = await testRuntime();
    for (const n of [1, 3, 257, 4099]) {
      const x = randomArray(n, n, 2);
      const w = randomArray(n, n + 1).map((v) => Math.fround(Math.abs(v) + 0.1));
      const [vx, vw, vo] = rt.arena([n, n, 1]);
      rt.upload(f32(x), vx);
      rt.upload(f32(w), vw);
      rt.submit([weightedMeanDispatch(rt, { x: vx, w: vw, n, out: vo })]);
      const out = new Float64Array(1);
      weightedMeanCpu({ x, w, n, out });
      expectClose(await rt.read(vo), out, { mag: [2], rel: 2e-6, what: `n=${n}` });
    }
  });
});
