/**
 * The GLASS velocity graph (src/methods/glass.ts) against its float64 twin (src/data/glass.ts) with the
 * exact gmm3 teacher, on the float64 executor and in float32 on the GPU, near both ends of both times.
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import { evalCpu, input } from '../../src/autodiff/index.ts';
import { glassVelocityAt, gmm3, gmmVelocityAt, GLASS_DEN_EPS as DATA_EPS } from '../../src/data/index.ts';
import { Runtime } from '../../src/engine/runtime.ts';
import { GLASS_DEN_EPS, glassVelocity } from '../../src/methods/glass.ts';
import { gmmVelocityGraph } from '../../src/nn/gmmVelocity.ts';
import { testGpu } from '../gpu.ts';

const gmm = gmm3();
const TIMES = [0.002, 0.05, 0.5, 0.95, 0.998, 1];
const AUX = [0.002, 0.05, 0.5, 0.95, 0.998];
const rows: number[][] = [];
for (const t of TIMES)
  for (const a of AUX)
    rows.push([t, a, 0.7 * Math.sin(7 * rows.length) + 1, 2 * Math.cos(3 * rows.length), 0.4, -0.9]);
const n = rows.length;
const feeds = {
  t: Float64Array.from(rows.map((r) => r[0])),
  a: Float64Array.from(rows.map((r) => r[1])),
  I: Float64Array.from(rows.flatMap((r) => [r[2], r[3]])),
  xt: Float64Array.from(rows.flatMap((r) => [r[4], r[5]])),
};
const b = glassVelocity(
  (z, tt) => gmmVelocityGraph(gmm, z, tt),
  input('I', [n, 2]),
  input('a', [n, 1]),
  input('xt', [n, 2]),
  input('t', [n, 1]),
);
const u = (x: number, y: number, t: number) => gmmVelocityAt(gmm, x, y, t);
const want = rows.flatMap((r) => glassVelocityAt(u, r[2], r[3], r[1], r[4], r[5], r[0]));

describe('GLASS velocity graph', () => {
  it('equals the float64 reference on the executor, near t, a = 0 and 1', () => {
    expect(GLASS_DEN_EPS).toBe(DATA_EPS);
    const [got] = evalCpu([b], feeds, { seed: 0, step: 0 });
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 8);
  });

  it('is within float32 accuracy on the GPU', async () => {
    const rt = new Runtime(await testGpu());
    const step = compileStep({ outputs: { b }, feeds }, rt, { seed: 0, step: 0 });
    step.run();
    const got = await step.read('b');
    for (let i = 0; i < want.length; i++)
      expect(Math.abs(got[i] - want[i]), `row ${Math.floor(i / 2)}`).toBeLessThan(
        2e-3 * (1 + Math.abs(want[i])),
      );
    step.destroy();
  });
});
