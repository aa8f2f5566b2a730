/**
 * Several AdamW updates of one parameter set inside one compiled step (DMD2's five fake-score updates
 * per generator step): each update's loss reads the parameters the previous update wrote in place,
 * and a second network reads the final ones. Against the float64 executor iterated on the host.
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import {
  add,
  adam,
  evalCpu,
  grad,
  input,
  matmul,
  mean,
  normal,
  square,
  stopGradient,
  sub,
  sigmoid,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { expectRel, testRuntime } from './helpers.ts';

const H = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, clipNorm: 1 };

describe('chained Adam updates in one step', () => {
  it('three updates of w, then a loss of v that reads the updated w, equal the float64 executor', async () => {
    const rt = await testRuntime();
    const w = input('w', [4, 3]);
    const v = input('v', [3, 2]);
    const mw = input('m.w', [4, 3]);
    const vw = input('v.w', [4, 3]);
    const mv = input('m.v', [3, 2]);
    const vv = input('v.v', [3, 2]);
    const sw = input('s.w', [1]);
    const sv = input('s.v', [1]);
    let cw: Tensor = w;
    let cm: Tensor = mw;
    let cv: Tensor = vw;
    let step: Tensor = sw;
    const fakeLosses: Tensor[] = [];
    for (let u = 0; u < 3; u++) {
      const x = normal([8, 4], 10 + u);
      const loss = mean(square(sub(twoLayer(x, cw, stopGradient(v)), 0.3)));
      fakeLosses.push(loss);
      step = add(step, 1);
      const r = adam([cw], grad(loss, [cw]), [cm], [cv], step, H);
      cw = r.p[0];
      cm = r.m[0];
      cv = r.v[0];
    }
    const x = normal([8, 4], 20);
    const main = mean(square(sub(twoLayer(x, cw, v), 1)));
    const sMain = add(sv, 1);
    const rv = adam([v], grad(main, [v]), [mv], [vv], sMain, H);
    const updates = [
      { input: 'w', value: cw },
      { input: 'm.w', value: cm },
      { input: 'v.w', value: cv },
      { input: 's.w', value: step },
      { input: 'v', value: rv.p[0] },
      { input: 'm.v', value: rv.m[0] },
      { input: 'v.v', value: rv.v[0] },
      { input: 's.v', value: sMain },
    ];
    let feeds: Record<string, Float64Array> = {
      w: Float64Array.from({ length: 12 }, (_, i) => Math.fround(Math.sin(i + 1) * 0.7)),
      v: Float64Array.from({ length: 6 }, (_, i) => Math.fround(Math.cos(i + 2) * 0.5)),
      'm.w': new Float64Array(12),
      'v.w': new Float64Array(12),
      'm.v': new Float64Array(6),
      'v.v': new Float64Array(6),
      's.w': new Float64Array(1),
      's.v': new Float64Array(1),
    };
    const outputs = { first: fakeLosses[0], last: fakeLosses[2], main };
    const compiled = compileStep({ outputs, updates, feeds }, rt, { seed: 3 });
    for (let k = 0; k < 2; k++) {
      const cpu = evalCpu([fakeLosses[0], fakeLosses[2], main, ...updates.map((u) => u.value)], feeds, {
        seed: 3,
        step: k,
      });
      compiled.run(1);
      expectRel(await compiled.read('first'), cpu[0], 1e-4, `first fake loss at step ${k}`);
      expectRel(await compiled.read('last'), cpu[1], 1e-4, `last fake loss at step ${k}`);
      expectRel(await compiled.read('main'), cpu[2], 1e-4, `main loss at step ${k}`);
      // The updates moved w: the last update's loss differs from the first's.
      expect(Math.abs(cpu[0][0] - cpu[1][0])).toBeGreaterThan(1e-6);
      feeds = { ...feeds };
      updates.forEach((u, i) => (feeds[u.input] = cpu[i + 3]));
    }
    for (const u of updates)
      expectRel(await compiled.read(u.input), feeds[u.input], 1e-4, `${u.input} after 2 steps`);
    compiled.destroy();
  });
});

/** sigmoid(x w) v: a two-layer map whose first layer is the chained parameter. */
function twoLayer(x: Tensor, w: Tensor, v: Tensor): Tensor {
  return matmul(sigmoid(matmul(x, w)), v);
}
