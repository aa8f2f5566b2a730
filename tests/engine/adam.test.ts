import { describe, expect, it } from 'vitest';
import { adamCpu, emaCpu } from '../../src/engine/cpu/adam.ts';
import {
  adamDispatch,
  emaDispatch,
  gradNormSqDispatch,
  setAdamHyper,
  type AdamHyper,
} from '../../src/engine/kernels/adam.ts';
import { stepCounterDispatch } from '../../src/engine/kernels/random.ts';
import { expectClose, f32, randomArray, testRuntime } from './helpers.ts';

const HYPER: AdamHyper = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clipNorm: 0 };

async function run(n: number, hyper: AdamHyper, steps: number) {
  const rt = await testRuntime();
  const p = randomArray(n, 1);
  const gs = Array.from({ length: steps }, (_, s) => randomArray(n, 10 + s, 0.5));
  const [vp, vg, vm, vv, vs, vn] = rt.arena([n, n, n, n, 1, 1]);
  rt.upload(f32(p), vp);
  rt.upload(new Float32Array([0]), vs);
  const cpu = {
    p: Float64Array.from(p),
    m: new Float64Array(n),
    v: new Float64Array(n),
    step: new Float64Array([0]),
  };
  const ds = [
    stepCounterDispatch(rt, { step: vs }),
    ...(hyper.clipNorm > 0 ? [gradNormSqDispatch(rt, { g: vg, n, out: vn })] : []),
    adamDispatch(rt, {
      p: vp,
      g: vg,
      m: vm,
      v: vv,
      n,
      step: vs,
      hyper,
      gradNormSq: hyper.clipNorm > 0 ? vn : undefined,
    }),
  ];
  for (const g of gs) {
    rt.upload(f32(g), vg);
    rt.submit(ds);
    cpu.step[0] += 1;
    // the GPU sees f32 hyperparameters (1 - 0.999f differs from 0.001 by 5e-5 relative)
    const h32 = Object.fromEntries(
      Object.entries(hyper).map(([k, x]) => [k, Math.fround(x)]),
    ) as unknown as AdamHyper;
    adamCpu({ ...cpu, g, n, hyper: h32 });
  }
  return { gpu: { p: await rt.read(vp), m: await rt.read(vm), v: await rt.read(vv) }, cpu };
}

describe('adam vs float64', () => {
  it('several AdamW steps with weight decay, awkward sizes', async () => {
    for (const n of [1, 3, 257, 1000]) {
      const { gpu, cpu } = await run(n, HYPER, 4);
      expectClose(gpu.m, cpu.m, { rel: 1e-5, abs: 1e-7, what: `m n=${n}` });
      expectClose(gpu.v, cpu.v, { rel: 1e-5, abs: 1e-9, what: `v n=${n}` });
      expectClose(gpu.p, cpu.p, { rel: 1e-5, abs: 2e-6, what: `p n=${n}` });
    }
  });

  it('global gradient-norm clipping computed on the GPU', async () => {
    const hyper = { ...HYPER, clipNorm: 0.3 }; // gradients of norm ~ 0.29 sqrt(n) >> 0.3: clipping is active
    const { gpu, cpu } = await run(777, hyper, 3);
    expectClose(gpu.m, cpu.m, { rel: 1e-5, abs: 1e-8, what: 'm' });
    expectClose(gpu.p, cpu.p, { rel: 1e-5, abs: 2e-6, what: 'p' });
    const unclipped = await run(777, HYPER, 3);
    expect(Math.abs(unclipped.cpu.m[0] - cpu.m[0])).toBeGreaterThan(1e-3); // the clip changed the moments
  });

  it('hyperparameters can be rewritten on a prepared dispatch', async () => {
    const rt = await testRuntime();
    const [vp, vg, vm, vv, vs] = rt.arena([4, 4, 4, 4, 1]);
    rt.upload([1, 1, 1, 1], vp);
    rt.upload([1, -1, 2, 0], vg);
    rt.upload([1], vs);
    const d = adamDispatch(rt, { p: vp, g: vg, m: vm, v: vv, n: 4, step: vs, hyper: HYPER });
    setAdamHyper(rt, d, 4, { ...HYPER, lr: 0, weightDecay: 0 });
    rt.submit([d]);
    expect(Array.from(await rt.read(vp))).toEqual([1, 1, 1, 1]);
  });
});

describe('ema vs float64', () => {
  it('p_ema = d p_ema + (1 - d) p', async () => {
    const rt = await testRuntime();
    const n = 300;
    const p = randomArray(n, 3);
    const e = randomArray(n, 4);
    const [vp, ve] = rt.arena([n, n]);
    rt.upload(f32(p), vp);
    rt.upload(f32(e), ve);
    rt.submit([emaDispatch(rt, { p: vp, pEma: ve, n, decay: 0.999 })]);
    const pEma = Float64Array.from(e);
    emaCpu({ p, pEma, n, decay: Math.fround(0.999) });
    expectClose(await rt.read(ve), pEma, { rel: 1e-6, abs: 1e-7 });
  });
});
