/** Class-conditional Flow Matching with label dropout trains on the real adapter; its guided field is the exact one. */
import { describe, expect, it } from 'vitest';
import { classMixture, eightGaussians, guidedVelocityAt, mixtureClasses } from '../../src/data/index.ts';
import { readPoints } from '../../src/train/readPoints.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { drive } from '../../src/train/drive.ts';
import { createSession } from '../../src/train/trainSession.ts';
import { testGpu } from '../gpu.ts';

describe('classifier-free guidance', () => {
  it('a labelled FM on 8 gaussians (2 groups): the guided field at w = 0, 1 and 3 is the exact guided field', async () => {
    const gpu = await testGpu();
    const config = resolveExperiment({
      dataset: '8gaussians',
      method: 'fm',
      net: { width: 64, depth: 2 },
      train: { batch: 256, lr: 3e-3, ema: 0.99, steps: 1000 },
      condition: { labels: 'groups', dropout: 0.1 },
    });
    const session = await createSession(gpu, config);
    try {
      await drive(session, { until: 1000 });
      const gmm = eightGaussians();
      const classes = mixtureClasses('8gaussians', 'groups')!;
      const grid = 16;
      const box: [number, number, number, number] = [-3.5, -3.5, 3.5, 3.5];
      const t = 0.6;
      const at = (i: number) => box[0] + ((i + 0.5) * (box[2] - box[0])) / grid;
      const field = async (c: number, w: number) => {
        session.setSampleCondition({ classIndex: c, cfg: w });
        return readPoints(gpu.device, session.field(t, t, grid, box));
      };
      for (const c of [0, 1]) {
        const exact = (w: number) =>
          Array.from({ length: grid * grid }, (_, k) =>
            guidedVelocityAt(gmm, classes, c, w, at(k % grid), at(Math.floor(k / grid)), t),
          );
        const e1 = exact(1);
        const e3 = exact(3);
        // Errors weighted by the class's marginal density p_t(z | c): where the network is trained.
        const sub = classMixture(gmm, classes, c);
        const weight = Array.from({ length: grid * grid }, (_, k) =>
          sub.means.reduce((s, [mx, my]) => {
            const v = (1 - t) ** 2 * sub.stds[0] ** 2 + t * t;
            const d2 = (at(k % grid) - (1 - t) * mx) ** 2 + (at(Math.floor(k / grid)) - (1 - t) * my) ** 2;
            return s + Math.exp(-d2 / (2 * v));
          }, 0),
        );
        const wsum = weight.reduce((a, b) => a + b, 0);
        const dist = (a: ArrayLike<number>, b: [number, number][]) =>
          b.reduce((s, [x, y], k) => s + weight[k] * Math.hypot(a[2 * k] - x, a[2 * k + 1] - y), 0) / wsum;
        const scale = e3.reduce((s, [x, y], k) => s + weight[k] * Math.hypot(x, y), 0) / wsum;
        const n1 = await field(c, 1);
        const n3 = await field(c, 3);
        const n0 = await field(c, 0);
        // The learned guided field is near the exact one at each w (measured after 1000 steps: 0.07,
        // 0.14, 0.38; w amplifies the conditional branch's error) and nearer it than the unguided field is.
        expect(dist(n0, exact(0)) / scale, `class ${c} w = 0`).toBeLessThan(0.12);
        expect(dist(n1, e1) / scale, `class ${c} w = 1`).toBeLessThan(0.2);
        expect(dist(n3, e3) / scale, `class ${c} w = 3`).toBeLessThan(0.45);
        expect(dist(n3, e3)).toBeLessThan(0.85 * dist(Float64Array.from(e1.flat()), e3));
      }
      expect(() => session.setSampleCondition({ classIndex: 2, cfg: 1 })).toThrow(/0\.\.1/);
    } finally {
      session.dispose();
    }
  });
});
