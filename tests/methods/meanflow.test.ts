import { describe, expect, it } from 'vitest';
import {
  add,
  grad,
  input,
  maximum,
  mean,
  mul,
  square,
  sub,
  sum,
  type Tensor,
} from '../../src/autodiff/index.ts';
import type { RandomDist, Shape } from '../../src/autodiff/prims.ts';
import { meanflow, meanflowSchema } from '../../src/methods/meanflow.ts';
import { streamCounter, type LossContext } from '../../src/methods/method.ts';
import { lossContext, maxAbsDiff, run, testNet } from './helpers.ts';

const B = 12;
const net = testNet('net.', 11);
const xv = Float64Array.from({ length: 2 * B }, (_, i) => Math.cos(1.7 * i) * 2);

/** A context whose random leaves are recorded in creation order (to rebuild the loss independently). */
function recordingContext(params: Record<string, unknown>) {
  const leaves: { t: Tensor; dist: RandomDist }[] = [];
  const next = streamCounter(1);
  const ctx = lossContext({
    params: meanflowSchema.parse(params),
    batch: B,
    nets: { net: net.fn },
    data: input('x', [B, 2]),
  });
  const recording: LossContext<typeof ctx.params> = {
    ...ctx,
    random: (shape: Shape, dist: RandomDist) => {
      const t = next(shape, dist);
      leaves.push({ t, dist });
      return t;
    },
  };
  return { ctx: recording, leaves, feeds: { x: xv, ...net.feeds } };
}

const buildLoss = (ctx: LossContext<ReturnType<typeof meanflowSchema.parse>>) =>
  meanflow.stages[0].main.buildLoss(ctx);

describe('MeanFlow loss (float64)', () => {
  it('with r = t on every row the target is v: the loss is the FM loss of F(z, t, t)', () => {
    const { ctx, leaves, feeds } = recordingContext({ ratioEqual: 1, adaptiveP: 0, timeDist: 'uniform' });
    const loss = buildLoss(ctx).total;
    const [e, a, b] = leaves.map((l) => l.t);
    const x = ctx.data!;
    const t = maximum(a, b);
    const z = add(x, mul(t, sub(e, x)));
    const fm = mean(sum(square(sub(net.fn(z, t, t), sub(e, x))), [1]));
    const [got, want] = run([loss, fm], feeds);
    expect(Math.abs(got[0] - want[0])).toBeLessThan(1e-12 * Math.max(1, want[0]));
  });

  it('matches a float64 reference whose dF/dt is a central finite difference along (v, 1, 0), with the adaptive weight', () => {
    const { ctx, leaves, feeds } = recordingContext({ ratioEqual: 0.5, adaptiveP: 1, adaptiveEps: 0.01 });
    const loss = buildLoss(ctx).total;
    const tA = run([leaves[1].t, leaves[2].t, leaves[0].t], feeds);
    const lg = (n: number) => 1 / (1 + Math.exp(-(-0.4 + n)));
    const k = Math.round(0.5 * B);
    const F = (zx: number, zy: number, t: number, r: number): [number, number] => {
      const [out] = run([net.fn(input('zz', [1, 2]), input('tt', [1, 1]), input('rr', [1, 1]))], {
        ...net.feeds,
        zz: Float64Array.of(zx, zy),
        tt: Float64Array.of(t),
        rr: Float64Array.of(r),
      });
      return [out[0], out[1]];
    };
    let acc = 0;
    const h = 1e-5;
    for (let i = 0; i < B; i++) {
      const t = Math.max(lg(tA[0][i]), lg(tA[1][i]));
      const r = i < k ? t : Math.min(lg(tA[0][i]), lg(tA[1][i]));
      const ex = tA[2][2 * i];
      const ey = tA[2][2 * i + 1];
      const v = [ex - xv[2 * i], ey - xv[2 * i + 1]];
      const z = [xv[2 * i] + t * v[0], xv[2 * i + 1] + t * v[1]];
      const f0 = F(z[0], z[1], t, r);
      const fp = F(z[0] + h * v[0], z[1] + h * v[1], t + h, r);
      const fm = F(z[0] - h * v[0], z[1] - h * v[1], t - h, r);
      let l = 0;
      for (const d of [0, 1]) {
        const dFdt = (fp[d] - fm[d]) / (2 * h);
        l += (f0[d] - (v[d] - (t - r) * dFdt)) ** 2;
      }
      acc += l / (l + 0.01);
    }
    const [got] = run([loss], feeds);
    expect(Math.abs(got[0] - acc / B) / (acc / B)).toBeLessThan(1e-7);
  });

  it('no gradient flows through the target: value and gradient equal those of || F - c ||^2 with c fed as a constant', () => {
    const { ctx, leaves, feeds } = recordingContext({ ratioEqual: 0.25, adaptiveP: 0 });
    const loss = buildLoss(ctx).total;
    const [av, bv, ev] = run([leaves[1].t, leaves[2].t, leaves[0].t], feeds);
    const lg = (n: number) => 1 / (1 + Math.exp(-(-0.4 + n)));
    const k = Math.round(0.25 * B);
    const tv = Float64Array.from(av, (n, i) => Math.max(lg(n), lg(bv[i])));
    const rv = Float64Array.from(av, (n, i) => (i < k ? tv[i] : Math.min(lg(n), lg(bv[i]))));
    // c = v - (t - r) dF/dt, with dF/dt a central difference of the network along (v, 1, 0).
    const h = 1e-6;
    const Fat = (dz: number) => {
      const zz = Float64Array.from({ length: 2 * B }, (_, j) => xv[j] + (tv[j >> 1] + dz) * (ev[j] - xv[j]));
      const tt = Float64Array.from(tv, (q) => q + dz);
      return run([net.fn(input('Z', [B, 2]), input('T', [B, 1]), input('R', [B, 1]))], {
        ...net.feeds,
        Z: zz,
        T: tt,
        R: rv,
      })[0];
    };
    const fp = Fat(h);
    const fm = Fat(-h);
    const c = Float64Array.from(
      { length: 2 * B },
      (_, j) => ev[j] - xv[j] - (tv[j >> 1] - rv[j >> 1]) * ((fp[j] - fm[j]) / (2 * h)),
    );
    const x = ctx.data!;
    const t = input('T', [B, 1]);
    const z = add(x, mul(t, sub(input('E', [B, 2]), x)));
    const fixed = mean(sum(square(sub(net.fn(z, t, input('R', [B, 1])), input('C', [B, 2]))), [1]));
    const feeds2 = { ...feeds, T: tv, R: rv, C: c, E: ev };
    const [got, want] = run([loss, fixed], { ...feeds, ...feeds2 });
    expect(Math.abs(got[0] - want[0])).toBeLessThan(1e-8);
    const gMethod = run(grad(loss, net.params), feeds);
    const gFixed = run(grad(fixed, net.params), feeds2);
    gMethod.forEach((g, i) => expect(maxAbsDiff(g, gFixed[i])).toBeLessThan(1e-7));
  });
});
