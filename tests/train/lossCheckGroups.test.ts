/** The `loss` check covers every optimiser group of the stage: DMD's generator and its fake net. */
import { describe, expect, it } from 'vitest';
import { evalCpu } from '../../src/autodiff/index.ts';
import { methodById, resolveParams } from '../../src/methods/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { lossCheckGraph } from '../../src/train/lossCheck.ts';
import { initialNetworkValues } from '../../src/train/networks.ts';
import { planStages } from '../../src/train/plan.ts';

describe('lossCheckGraph with several optimiser groups', () => {
  it('dmd: fake.random.k draws, fake.loss and gradients of both networks, each from its own loss', () => {
    const m = methodById('dmd');
    const config = resolveExperiment({
      method: 'dmd',
      dataset: '8gaussians',
      net: { width: 8, depth: 1 },
      train: { batch: 16 },
      teacher: { source: 'analytic' },
    });
    const params = resolveParams(m, config.params);
    const last = planStages(m, config, params).at(-1)!;
    const g = lossCheckGraph(m, config, params, last.stage, last.teacher);
    expect(g.batch.map((b) => b.name)).toEqual([
      'random.0',
      'random.1',
      'random.2',
      'fake.random.0',
      'fake.random.1',
      'fake.random.2',
    ]);
    expect(Object.keys(g.outputs)).toEqual(
      expect.arrayContaining([
        'loss',
        'loss.dm',
        'fake.loss',
        'fake.loss.fake',
        'grad.net.layers.0.weight',
        'grad.fake.layers.0.weight',
      ]),
    );
    const feeds: Record<string, Float64Array> = { ...g.feeds, ...initialNetworkValues(m, config) };
    for (const b of g.batch) {
      const n = b.shape.reduce((a, c) => a * c, 1);
      feeds[b.name] = Float64Array.from({ length: n }, (_, i) =>
        b.dist === 'uniform' ? (i % 7) / 7 : Math.sin(i),
      );
    }
    const [loss, fake] = evalCpu([g.outputs.loss, g.outputs['fake.loss']], feeds, { seed: 1, step: 0 });
    expect(Number.isFinite(loss[0]) && Number.isFinite(fake[0])).toBe(true);
    expect(fake[0]).toBeGreaterThan(0);
  });
});
