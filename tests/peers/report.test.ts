import { describe, expect, it } from 'vitest';
import type { Measurement } from '../../bench/peers/measure.ts';
import { oursRatio } from '../../bench/peers/report.ts';

const row = (impl: string, samples: number[], inTurns = true): Measurement => ({
  impl,
  kind: 'fm',
  batch: 256,
  firstLoss: 1,
  referenceLoss: 1,
  samples,
  median: [...samples].sort((a, b) => a - b)[samples.length >> 1],
  min: Math.min(...samples),
  max: Math.max(...samples),
  dispatches: 1,
  submits: 1,
  inTurns,
});

describe('ours/peer ratio', () => {
  it('pairs the rounds when both were timed in turns', () => {
    // a load burst in round 2 slows both: per-round ratios stay 2, the ratio of medians would not
    const ours = row('ours', [10, 10, 2]);
    const peer = row('jax-js', [5, 5, 1]);
    expect(oursRatio([ours, peer], peer)).toBe(2);
    const skewed = row('jax-js', [5, 1, 1]);
    expect(oursRatio([ours, skewed], skewed)).toBe(2);
  });

  it('falls back to the ratio of medians, and gives none for ours itself', () => {
    const ours = row('ours', [10, 12, 8], false);
    const peer = row('TF.js', [2, 5, 4], true);
    expect(oursRatio([ours, peer], peer)).toBe(10 / 4);
    expect(oursRatio([ours, peer], ours)).toBeUndefined();
  });
});
