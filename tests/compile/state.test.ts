/**
 * Compiled steps with state: AdamW over several steps against the float64 executor iterated on the
 * host, K steps in one submit equal to K submits, random and dataset leaves (same Philox numbers),
 * the gradient of a JVP (the TVM pattern), and elementwise edge cases in one fused kernel.
 */
import { describe, expect, it } from 'vitest';
import { compileStep } from '../../src/autodiff/compile.ts';
import {
  add,
  broadcastTo,
  concat,
  constant,
  evalCpu,
  grad,
  input,
  jvp,
  max,
  mean,
  mul,
  normal,
  reshape,
  sampleData,
  select,
  slice,
  square,
  sub,
  sum,
  uniform,
  exp,
  greater,
  type Tensor,
} from '../../src/autodiff/index.ts';
import { flowMatchingStep } from '../../src/bench/stepGraphs.ts';
import { flowNet, flowNetSpec, initParams, paramInputs, paramList } from '../../src/nn/index.ts';
import { batchOf, expectRel, testRuntime } from './helpers.ts';

const SEED = 5;

describe('compiled steps with state', () => {
  it('AdamW over several steps matches the float64 executor iterated on the host', async () => {
    const rt = await testRuntime();
    const g = flowMatchingStep({ batch: 24, width: 16, depth: 2, act: 'silu', data: 'input' });
    g.feeds.batch = batchOf(24);
    const step = compileStep(g.spec, rt, { seed: SEED });
    let feeds = { ...g.feeds };
    const updates = g.spec.updates!;
    for (let k = 0; k < 3; k++) {
      const cpu = evalCpu([g.loss, ...updates.map((u) => u.value)], feeds, { seed: SEED, step: k });
      step.run(1);
      expectRel(await step.read('loss'), cpu[0], 1e-4, `loss at step ${k}`);
      feeds = { ...feeds };
      updates.forEach((u, i) => (feeds[u.input] = cpu[i + 1]));
    }
    for (const u of updates)
      expectRel(await step.read(u.input), feeds[u.input], 1e-4, `${u.input} after 3 steps`);
    step.destroy();
  });

  it('K steps in one submit equal K single submits, and reads in flight do not block', async () => {
    const rt = await testRuntime();
    const g = flowMatchingStep({ batch: 16, width: 16, depth: 1, act: 'tanh', data: 'moons' });
    const a = compileStep(g.spec, rt, { seed: SEED });
    const b = compileStep(g.spec, rt, { seed: SEED });
    a.run(3);
    for (let k = 0; k < 3; k++) b.run(1);
    const [pa, pb, la, lb] = await Promise.all([
      a.read('layers.0.weight'),
      b.read('layers.0.weight'),
      a.read('loss'),
      b.read('loss'),
    ]);
    expect(Array.from(pa)).toEqual(Array.from(pb));
    expect(Array.from(la)).toEqual(Array.from(lb));
    expect(Array.from(await a.read('adam.step'))).toEqual([3]);
    // The same step on the host: data and noise drawn at counters 0, 1, 2.
    let feeds = { ...g.feeds };
    let loss = new Float64Array(1);
    for (let k = 0; k < 3; k++) {
      const cpu = evalCpu([g.loss, ...g.spec.updates!.map((u) => u.value)], feeds, { seed: SEED, step: k });
      loss = cpu[0];
      feeds = { ...feeds };
      g.spec.updates!.forEach((u, i) => (feeds[u.input] = cpu[i + 1]));
    }
    expectRel(la, loss, 1e-4, 'loss of the third step');
    a.destroy();
    b.destroy();
  });

  it('random and dataset leaves draw the Philox numbers of the executor, and advance per step', async () => {
    const rt = await testRuntime();
    const outputs = { n: normal([5, 3], 4), u: mul(uniform([7], 9), 2), d: sampleData('checkerboard', 9, 1) };
    const step = compileStep({ outputs }, rt, { seed: 123, step: 4 });
    for (const k of [4, 5]) {
      step.run(1);
      const cpu = evalCpu([outputs.n, outputs.u, outputs.d], {}, { seed: 123, step: k });
      expectRel(await step.read('n'), cpu[0], 1e-5, `normal at step ${k}`);
      expectRel(await step.read('u'), cpu[1], 1e-6, `uniform at step ${k}`);
      expectRel(await step.read('d'), cpu[2], 1e-5, `checkerboard at step ${k}`);
    }
    step.destroy();
  });

  it('the gradient of a JVP (TVM: d/ds f with gradients through the JVP)', async () => {
    const spec = flowNetSpec({ timeFeatures: 'raw' }, { width: 32, depth: 2, act: 'gelu' });
    const p = paramInputs(spec);
    const x = input('x', [19, 2]);
    const t = input('t', [19, 1]);
    const s = input('s', [19, 1]);
    const f = (xx: Tensor, tt: Tensor, ss: Tensor) =>
      flowNet(p, xx, tt, ss, { timeFeatures: 'raw', act: 'gelu' });
    const { out, tangents } = jvp(f, [x, t, s], [null, null, broadcastTo(constant(1), [19, 1])]);
    // d/ds f(x, t, s) = F + (s - t) dF/ds, regressed onto a fixed target.
    const dfds = add(out[0], mul(sub(s, t), tangents[0]!));
    const loss = mean(sum(square(sub(dfds, input('target', [19, 2]))), [1]));
    const grads = grad(loss, paramList(spec, p));
    const outputs: Record<string, Tensor> = { loss };
    spec.forEach((q, i) => (outputs[`grad ${q.name}`] = grads[i]));
    const tt = batchOf(19)
      .slice(0, 19)
      .map((v) => Math.fround(0.5 + 0.3 * Math.tanh(v)));
    const feeds = {
      ...initParams(spec, 2),
      x: batchOf(19),
      t: tt,
      s: tt.map((v) => Math.fround(v * 0.6)),
      target: batchOf(19).reverse(),
    };
    const rt = await testRuntime();
    const step = compileStep({ outputs, feeds }, rt);
    step.run(1);
    const names = Object.keys(outputs);
    const cpu = evalCpu(
      names.map((k) => outputs[k]),
      feeds,
      { seed: 0, step: 0 },
    );
    for (let i = 0; i < names.length; i++) expectRel(await step.read(names[i]), cpu[i], 1e-4, names[i]);
    step.destroy();
  });

  it('broadcasts, slices, concatenation, selects, small and large reductions and reshapes in fused kernels', async () => {
    const a = input('a', [3, 17]);
    const b = input('b', [17]);
    const c = input('c', [3, 1]);
    const e = exp(mul(add(a, b), 0.1));
    const cat = concat([slice(e, 1, 2, 5), c, slice(a, 1, 0, 3)], 1);
    const outputs = {
      cat,
      sel: select(greater(a, c), e, sub(0, b)),
      rowMax: max(cat, [1], true),
      colSum: sum(mul(e, c), [0]),
      total: sum(reshape(e, [51])),
      flat: reshape(mul(cat, 2), [27]),
      tail: slice(reshape(a, [51]), 0, 48, 3),
    };
    const feeds = {
      a: batchOf(26).slice(0, 51),
      b: batchOf(9).slice(0, 17),
      c: Float64Array.of(0.25, -0.5, 1),
    };
    const rt = await testRuntime();
    for (const naive of [false, true]) {
      const step = compileStep({ outputs, feeds }, rt, { naive });
      step.run(1);
      const names = Object.keys(outputs) as (keyof typeof outputs)[];
      const cpu = evalCpu(
        names.map((k) => outputs[k]),
        feeds,
        { seed: 0, step: 0 },
      );
      for (let i = 0; i < names.length; i++)
        expectRel(await step.read(names[i]), cpu[i], 1e-5, `${names[i]} (naive=${naive})`);
      step.write('c', [1, 2, 3]);
      step.run(1);
      const again = evalCpu([outputs.cat], { ...feeds, c: Float64Array.of(1, 2, 3) }, { seed: 0, step: 0 });
      expectRel(await step.read('cat'), again[0], 1e-5, 'cat after write');
      step.destroy();
    }
  });
});
