/**
 * The CPU executor against independent naive loops (finite differences alone cannot catch a
 * consistently wrong linear kernel), plus Philox leaves, dataset samples, Adam and feed errors.
 */
import { describe, expect, it } from 'vitest';
import * as op from '../../src/autodiff/ops.ts';
import {
  evalCpu,
  grad,
  input,
  jvp,
  MissingFeedError,
  NotDifferentiableError,
} from '../../src/autodiff/index.ts';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { sampleDataCpu } from '../../src/engine/cpu/sampleData.ts';
import { activationCpu } from '../../src/engine/activations.ts';
import { randomArray, rng } from './fd.ts';

const CTX = { seed: 5, step: 9 };
const r = rng(99);
const arr = (n: number) => randomArray(n, r);
const run = (t: op.TensorLike & object, feeds: Record<string, Float64Array>) =>
  Array.from(evalCpu([t as never], feeds, CTX)[0]);

describe('evalCpu kernels against naive loops', () => {
  it('broadcasting binary [2,1,3] x [4,1]', () => {
    const [a, b] = [arr(6), arr(4)];
    const want: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) want.push(a[i * 3 + k] - b[j]);
    expect(run(op.sub(input('a', [2, 1, 3]), input('b', [4, 1])), { a, b })).toEqual(want);
  });

  it('reduceSum and reduceMax over middle and outer axes', () => {
    const x = arr(24); // [2,3,4]
    const at = (i: number, j: number, k: number) => x[i * 12 + j * 4 + k];
    const s1: number[] = [];
    const m02: number[] = [];
    for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) s1.push(at(i, 0, k) + at(i, 1, k) + at(i, 2, k));
    for (let j = 0; j < 3; j++) {
      let m = -Infinity;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) m = Math.max(m, at(i, j, k));
      m02.push(m);
    }
    const t = input('x', [2, 3, 4]);
    run(op.sum(t, [1]), { x }).forEach((v, i) => expect(v).toBeCloseTo(s1[i], 14));
    expect(run(op.max(t, [0, 2], true), { x })).toEqual(m02);
  });

  it('broadcastTo, concat, slice, select', () => {
    const [a, b, c] = [arr(3), arr(4), arr(2)];
    expect(run(op.broadcastTo(input('a', [3, 1]), [3, 2]), { a })).toEqual([
      a[0],
      a[0],
      a[1],
      a[1],
      a[2],
      a[2],
    ]);
    const cat = run(op.concat([input('b', [2, 2]), input('c', [2, 1])], 1), { b, c });
    expect(cat).toEqual([b[0], b[1], c[0], b[2], b[3], c[1]]);
    expect(run(op.slice(input('b', [2, 2]), 1, 1, 1), { b })).toEqual([b[1], b[3]]);
    const sel = run(op.select(op.greater(input('c', [2, 1]), 0), input('b', [2, 2]), -7), { b, c });
    expect(sel).toEqual([0, 1, 2, 3].map((i) => (c[i >> 1] > 0 ? b[i] : -7)));
  });

  it('matmul in all four transpose modes', () => {
    const [a, b] = [arr(6), arr(12)]; // opA(A): [2,3], opB(B): [3,4]
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const A = (i: number, p: number) => (transA ? a[p * 2 + i] : a[i * 3 + p]);
        const Bm = (p: number, j: number) => (transB ? b[j * 3 + p] : b[p * 4 + j]);
        const want: number[] = [];
        for (let i = 0; i < 2; i++)
          for (let j = 0; j < 4; j++) want.push([0, 1, 2].reduce((s, p) => s + A(i, p) * Bm(p, j), 0));
        const ta = input('a', transA ? [3, 2] : [2, 3]);
        const tb = input('b', transB ? [4, 3] : [3, 4]);
        run(op.matmul(ta, tb, { transA, transB }), { a, b }).forEach((v, i) =>
          expect(v).toBeCloseTo(want[i], 13),
        );
      }
    }
  });

  it('dense and denseJvp equal their unfused forms (PyTorch layout W:[out, in])', () => {
    const [x, xd, w, b] = [arr(10), arr(10), arr(6), arr(3)]; // x, xd: [5,2], w: [3,2], b: [3]
    const X = input('x', [5, 2]);
    const Xd = input('xd', [5, 2]);
    const W = input('w', [3, 2]);
    const Bv = input('b', [3]);
    const feeds = { x, xd, w, b };
    for (const act of ['silu', 'gelu', 'tanh', 'relu', 'sigmoid', 'identity'] as const) {
      const pre = op.add(op.matmul(X, W, { transB: true }), Bv);
      const [y, yd] = op.denseJvp(X, Xd, W, Bv, act);
      const [fused, fusedDot, dense, unfused, unfusedDot] = evalCpu(
        [
          y,
          yd,
          op.dense(X, W, Bv, act),
          op.activation(pre, act),
          op.mul(op.activation(pre, act, 1), op.matmul(Xd, W, { transB: true })),
        ],
        feeds,
        CTX,
      );
      for (let i = 0; i < 15; i++) {
        expect(fused[i]).toBeCloseTo(unfused[i], 13);
        expect(dense[i]).toBeCloseTo(unfused[i], 13);
        expect(fusedDot[i]).toBeCloseTo(unfusedDot[i], 13);
      }
      // one element by hand
      const p00 = x[0] * w[0] + x[1] * w[1] + b[0];
      expect(dense[0]).toBeCloseTo(activationCpu(p00, act, 0), 13);
    }
  });
});

describe('evalCpu leaves', () => {
  it('random: element i is uniformAt / normalAt(seed, stream, step, i)', () => {
    const [u, n] = evalCpu([op.uniform([3, 2], 4), op.normal([5], 6)], {}, CTX);
    expect(Array.from(u)).toEqual([0, 1, 2, 3, 4, 5].map((i) => uniformAt(5, 4, 9, i)));
    expect(Array.from(n)).toEqual([0, 1, 2, 3, 4].map((i) => normalAt(5, 6, 9, i)));
  });
  it('sampleData equals the dataset reference sampler', () => {
    const [d] = evalCpu([op.sampleData('moons', 7, 3)], {}, CTX);
    expect(Array.from(d)).toEqual(Array.from(sampleDataCpu('moons', 7, 5, 3, 9)));
  });
  it('missing and mis-sized feeds are named errors that say what to feed', () => {
    const x = input('x', [2, 2]);
    expect(() => evalCpu([x], {}, CTX)).toThrow(MissingFeedError);
    expect(() => evalCpu([x], { x: new Float64Array(3) }, CTX)).toThrow(/4/);
  });
});

describe('adam', () => {
  const H = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, clipNorm: 0 };
  it('two AdamW steps equal the formulas with bias correction', () => {
    const [p, g] = [input('p', [2]), input('g', [2])];
    const [m, v, step] = [input('m', [2]), input('v', [2]), input('step', [1])];
    const out = op.adam([p], [g], [m], [v], step, H);
    const feeds = {
      p: Float64Array.of(1, -2),
      g: Float64Array.of(0.5, -3),
      m: new Float64Array(2),
      v: new Float64Array(2),
      step: Float64Array.of(1),
    };
    const [p1, m1, v1] = evalCpu([out.p[0], out.m[0], out.v[0]], feeds, CTX);
    // step 1 from zero moments: mhat = g, vhat = g^2, update = lr g / (|g| + eps)
    for (let i = 0; i < 2; i++) {
      const gi = feeds.g[i];
      expect(p1[i]).toBeCloseTo(feeds.p[i] * (1 - 0.1 * 0.01) - (0.1 * gi) / (Math.abs(gi) + 1e-8), 12);
    }
    const f2 = { p: p1, g: Float64Array.of(1, 1), m: m1, v: v1, step: Float64Array.of(2) };
    const [p2] = evalCpu([out.p[0]], f2, CTX);
    for (let i = 0; i < 2; i++) {
      const mm = 0.9 * m1[i] + 0.1;
      const vv = 0.99 * v1[i] + 0.01;
      const want = p1[i] * (1 - 0.001) - (0.1 * (mm / (1 - 0.81))) / (Math.sqrt(vv / (1 - 0.99 ** 2)) + 1e-8);
      expect(p2[i]).toBeCloseTo(want, 12);
    }
  });
  it('global norm clipping scales every gradient by clipNorm / ||g||', () => {
    const ps = [input('p0', [1]), input('p1', [2])];
    const gs = [input('g0', [1]), input('g1', [2])];
    const zs = [input('z0', [1]), input('z1', [2])];
    const out = op.adam(ps, gs, zs, zs, input('step', [1]), { ...H, weightDecay: 0, clipNorm: 1 });
    const feeds = {
      p0: Float64Array.of(0),
      p1: Float64Array.of(0, 0),
      g0: Float64Array.of(3),
      g1: Float64Array.of(0, 4),
      z0: new Float64Array(1),
      z1: new Float64Array(2),
      step: Float64Array.of(1),
    };
    const [m0, m1] = evalCpu(out.m, feeds, CTX);
    expect(m0[0]).toBeCloseTo(0.1 * 3 * (1 / (5 + 1e-6)), 12);
    expect(m1[1]).toBeCloseTo(0.1 * 4 * (1 / (5 + 1e-6)), 12);
  });
  it('is not differentiable: a tangent or cotangent reaching it is a named error', () => {
    const [p, g, m, v, s] = [
      input('p', [2]),
      input('g', [2]),
      input('m', [2]),
      input('v', [2]),
      input('s', [1]),
    ];
    const f = (gg: op.TensorLike & object) => op.adam([p], [gg as never], [m], [v], s, H).p[0];
    expect(() => jvp(f, [g], [input('dg', [2])])).toThrow(NotDifferentiableError);
    expect(() => grad(op.sum(f(g)), [g])).toThrow(NotDifferentiableError);
  });
});
