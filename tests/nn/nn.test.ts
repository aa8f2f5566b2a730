/** Networks against a naive float64 forward written from the PyTorch module in src/nn/mlp.ts. */
import { describe, expect, it } from 'vitest';
import { evalCpu, input, Prim, topoSort, type Activation } from '../../src/autodiff/index.ts';
import { activationCpu } from '../../src/engine/activations.ts';
import {
  emaUpdate,
  flowMap,
  flowNet,
  flowNetInDim,
  flowNetSpec,
  fourierFrequencies,
  initParams,
  mlpSpec,
  paramInputs,
  paramList,
  prefixed,
  type FlowNetOptions,
  type ParamValues,
} from '../../src/nn/index.ts';
import { randomArray, rng } from '../autodiff/fd.ts';

const CTX = { seed: 0, step: 0 };

/** torch: for layer in layers[:-1]: h = act(layer(h)); return layers[-1](h), row by row. */
function naiveMlp(values: ParamValues, features: number[], act: Activation): number[] {
  let h = features;
  for (let i = 0; values[`layers.${i}.weight`]; i++) {
    const w = values[`layers.${i}.weight`];
    const b = values[`layers.${i}.bias`];
    const last = !values[`layers.${i + 1}.weight`];
    const out = b.length;
    h = Array.from({ length: out }, (_, o) => {
      const pre = h.reduce((s, v, k) => s + w[o * h.length + k] * v, b[o]);
      return last ? pre : activationCpu(pre, act, 0);
    });
  }
  return h;
}

function naiveFeatures(x: number[], t: number, s: number, opts: FlowNetOptions): number[] {
  const h = t - s;
  if (opts.timeFeatures === 'raw') return [...x, t, h];
  const w = fourierFrequencies(opts.fourierFreqs ?? 4);
  return [
    ...x,
    ...w.map((f) => Math.sin(f * t)),
    ...w.map((f) => Math.cos(f * t)),
    ...w.map((f) => Math.sin(f * h)),
    ...w.map((f) => Math.cos(f * h)),
  ];
}

describe('parameters', () => {
  it('mlpSpec gives torch names and [out, in] layouts; depth hidden layers', () => {
    const spec = mlpSpec({ inDim: 4, width: 16, depth: 2, outDim: 2, act: 'silu' });
    expect(spec.map((p) => [p.name, p.shape])).toEqual([
      ['layers.0.weight', [16, 4]],
      ['layers.0.bias', [16]],
      ['layers.1.weight', [16, 16]],
      ['layers.1.bias', [16]],
      ['layers.2.weight', [2, 16]],
      ['layers.2.bias', [2]],
    ]);
    expect(spec[2].init.bound).toBeCloseTo(0.25, 15);
  });

  it('initParams is seeded, within U(-1/sqrt(in), 1/sqrt(in)), and fills the range', () => {
    const spec = mlpSpec({ inDim: 4, width: 64, depth: 1, outDim: 2, act: 'silu' });
    const a = initParams(spec, 1);
    expect(initParams(spec, 1)).toEqual(a);
    expect(initParams(spec, 2)['layers.0.weight']).not.toEqual(a['layers.0.weight']);
    const w = a['layers.1.weight']; // bound 1/8
    expect(Math.max(...w)).toBeLessThanOrEqual(1 / 8);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-1 / 8);
    expect(Math.max(...w)).toBeGreaterThan(0.1);
    expect(Math.min(...w)).toBeLessThan(-0.1);
    expect(a['layers.0.bias'].length).toBe(64);
  });

  it('paramInputs names graph inputs with a prefix and keeps torch keys', () => {
    const spec = mlpSpec({ inDim: 2, width: 3, depth: 1, outDim: 1, act: 'tanh' });
    const p = paramInputs(spec, 'teacher.');
    expect(Object.keys(p)).toEqual(spec.map((s) => s.name));
    expect(paramList(spec, p).map((t) => (t.node.params as { name: string }).name)).toEqual(
      spec.map((s) => `teacher.${s.name}`),
    );
  });

  it('emaUpdate is d p_ema + (1 - d) p', () => {
    const [e, p] = [input('e', [3]), input('p', [3])];
    const [out] = evalCpu(
      emaUpdate([e], [p], 0.9),
      { e: Float64Array.of(1, 2, 3), p: Float64Array.of(0, 10, -3) },
      CTX,
    );
    [0.9, 2.8, 2.4].forEach((v, i) => expect(out[i]).toBeCloseTo(v, 14));
  });
});

describe('flow network F(x, t, s)', () => {
  const cases: FlowNetOptions[] = [
    { timeFeatures: 'raw', act: 'silu' },
    { timeFeatures: 'fourier', fourierFreqs: 3, act: 'gelu' },
    { timeFeatures: 'raw', act: 'relu' },
  ];
  for (const opts of cases) {
    it(`equals the torch-convention forward (${opts.timeFeatures}, ${opts.act}), with a conditioning input`, () => {
      const B = 5;
      const condDim = 3;
      const spec = flowNetSpec(opts, { width: 7, depth: 2, act: opts.act }, condDim);
      expect(spec[0].shape[1]).toBe(flowNetInDim(opts, condDim));
      const values = initParams(spec, 3);
      const r = rng(4);
      const feeds: Record<string, Float64Array> = {
        ...prefixed(values, 'net.'),
        x: randomArray(2 * B, r),
        t: randomArray(B, r, true).map((v) => v - 0.5),
        s: randomArray(B, r, true).map((v) => v - 0.5),
        c: randomArray(condDim * B, r),
      };
      const params = paramInputs(spec, 'net.');
      const [x, t, s, c] = [
        input('x', [B, 2]),
        input('t', [B, 1]),
        input('s', [B, 1]),
        input('c', [B, condDim]),
      ];
      const [F, f] = evalCpu(
        [flowNet(params, x, t, s, opts, [c]), flowMap(params, x, t, s, opts, [c])],
        feeds,
        CTX,
      );
      for (let i = 0; i < B; i++) {
        const xi = [feeds.x[2 * i], feeds.x[2 * i + 1]];
        const cond = Array.from(feeds.c.subarray(condDim * i, condDim * (i + 1)));
        const want = naiveMlp(
          values,
          [...naiveFeatures(xi, feeds.t[i], feeds.s[i], opts), ...cond],
          opts.act,
        );
        expect(F[2 * i]).toBeCloseTo(want[0], 12);
        expect(F[2 * i + 1]).toBeCloseTo(want[1], 12);
        // f(x, t, s) = x + (s - t) F
        expect(f[2 * i]).toBeCloseTo(xi[0] + (feeds.s[i] - feeds.t[i]) * want[0], 12);
      }
    });
  }

  it('is built from one fused dense node per layer', () => {
    const spec = flowNetSpec({ timeFeatures: 'raw' }, { width: 4, depth: 3, act: 'silu' });
    const y = flowNet(paramInputs(spec), input('x', [2, 2]), input('t', [2, 1]), input('s', [2, 1]), {
      timeFeatures: 'raw',
      act: 'silu',
    });
    expect(topoSort([y]).filter((n) => n.prim === Prim.Dense).length).toBe(4);
  });

  it('rejects inputs of the wrong shape with a message that names them', () => {
    const spec = flowNetSpec({ timeFeatures: 'raw' }, { width: 4, depth: 1, act: 'silu' });
    expect(() =>
      flowNet(paramInputs(spec), input('x', [2, 2]), input('t', [2]), input('s', [2, 1]), {
        timeFeatures: 'raw',
        act: 'silu',
      }),
    ).toThrow(/t must be \[2, 1\]/);
  });
});
