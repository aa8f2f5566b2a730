/**
 * Meta Flow Maps trained on the real adapter at a tiny budget (64 x 2 network) on gmm3 with the analytic
 * teacher: one-step posterior samples of p(x_0 | x_t) against the exact posterior (energy distance beside
 * the exact-vs-exact floor at the same n), and iwae-guided samples nearer the exact tilted target than
 * the unguided ones.
 */
import { describe, expect, it } from 'vitest';
import { gmm3, PAPER_REWARD, sampleMixture, samplePosterior, tiltedMixture } from '../../src/data/index.ts';
import { methodById } from '../../src/methods/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { drive } from '../../src/train/drive.ts';
import { energyDistance, slicedWasserstein2 } from '../../src/train/metrics/index.ts';
import { createSession } from '../../src/train/trainSession.ts';
import { testGpu } from '../gpu.ts';

const N = 1024;

describe('Meta Flow Maps on gmm3 with the exact teacher', () => {
  it('one-step posterior samples near the exact posterior, and guidance toward the tilted target', async () => {
    const gpu = await testGpu();
    const config = resolveExperiment({
      method: 'mfm',
      dataset: 'gmm3',
      net: { width: 64, depth: 2 },
      train: { batch: 256, lr: 3e-3, ema: 0.99, steps: 1500 },
      teacher: { source: 'analytic' },
    });
    const session = await createSession(gpu, config, { method: methodById('mfm') });
    try {
      await drive(session, { until: session.totalSteps });
      const gmm = gmm3();
      for (const [t, at] of [
        [0.6, [1.5, 1.5]],
        [0.3, [2.1, 2.0]],
        [0.9, [0, 0]],
      ] as const) {
        const got = Float64Array.from(await session.posterior(t, at, N, 1));
        const exact = samplePosterior(gmm, at[0], at[1], t, N, 1);
        const floor = energyDistance(samplePosterior(gmm, at[0], at[1], t, N, 2), exact);
        const prior = energyDistance(
          sampleMixture(tiltedMixture(gmm, { a: [1, 0], y: 0, sigma: 1e3 }), N, 3),
          exact,
        );
        const d = energyDistance(got, exact);
        console.log(
          `posterior t ${t} at ${at}: energy ${d.toFixed(4)}, floor ${floor.toFixed(4)}, prior ${prior.toFixed(4)}`,
        );
        expect(d).toBeLessThan(Math.max(0.25 * prior, floor + 0.05));
      }
      const target = sampleMixture(tiltedMixture(gmm, PAPER_REWARD), 512, 4);
      const guided = Float64Array.from(await session.guide(PAPER_REWARD, 'iwae', 8, 512, 50, 1));
      const plain = sampleMixture(tiltedMixture(gmm, { a: [1, 0], y: 0, sigma: 1e3 }), 512, 5);
      const sg = slicedWasserstein2(guided, target);
      const sp = slicedWasserstein2(plain, target);
      console.log(`guided iwae N 8: sw2 ${sg.toFixed(3)} vs unguided ${sp.toFixed(3)}`);
      expect(sg).toBeLessThan(0.6 * sp);
    } finally {
      session.dispose();
    }
  });
});
