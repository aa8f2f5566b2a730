import { describe, expect, it } from 'vitest';
import type { QualityReport } from '../../src/train/session.ts';
import { runawaySamples } from '../../src/worker/training.ts';

const report = (sw2: number, nonFinite = 0): QualityReport => ({
  step: 100,
  samples: 1024,
  metrics: { sw2: { '1': sw2, '8': 0.5 }, nonFinite: { '1': nonFinite, '8': 0 } },
  floor: { sw2: 0.2, nonFinite: 0 },
});

describe('runaway samples', () => {
  it('pass a model that is learning or untrained (samples near the data)', () => {
    expect(runawaySamples(report(0.3))).toBeNull();
    expect(runawaySamples(report(2.5))).toBeNull();
  });
  it('flag samples far off (lr = 1 on MeanFlow gives sliced W2 25 after 200 steps)', () => {
    expect(runawaySamples(report(25.5))).toMatch(/flew off.*25\.5/);
  });
  it('flag non-finite samples and NaN metrics', () => {
    expect(runawaySamples(report(0.4, 0.05))).toMatch(/5 % .* not finite/);
    expect(runawaySamples(report(Number.NaN))).toMatch(/flew off/);
  });
});
