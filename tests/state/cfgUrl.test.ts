import { describe, expect, it } from 'vitest';
import { decodeExperiment, encodeExperiment } from '../../src/state/url.ts';
import { defaultExperiment, resolveExperiment } from '../../src/train/config.ts';

describe('class conditioning in the link', () => {
  it('an unconditional link is unchanged (no labels, drop, cfg or class keys)', () => {
    const hash = encodeExperiment({ config: defaultExperiment(), hide: [] });
    expect(hash).not.toMatch(/labels=|drop=|cfg=|class=/);
    expect(decodeExperiment(hash).config.condition).toBeUndefined();
  });

  it('round-trips labels, dropout, guidance scale and the shown class', () => {
    const config = resolveExperiment({
      dataset: 'moons',
      method: 'freeflow',
      condition: { labels: 'moons', dropout: 0.2, cfg: 2.5 },
    });
    const hash = encodeExperiment({ config, hide: [], sampleClass: 1 });
    expect(hash).toContain('labels=moons&drop=0.2&cfg=2.5&class=1');
    const back = decodeExperiment(hash);
    expect(back.ignored).toEqual([]);
    expect(back.config.condition).toEqual({ labels: 'moons', dropout: 0.2, cfg: 2.5 });
    expect(back.sampleClass).toBe(1);
  });

  it('ignores bad values with a reason and falls back to an unconditional run or all classes', () => {
    const a = decodeExperiment('#dataset=moons&method=fm&labels=modes&cfg=2');
    expect(a.config.condition).toBeUndefined();
    expect(a.ignored.join(' ')).toMatch(/labels=modes.*moons/);
    const b = decodeExperiment('#dataset=8gaussians&method=fm&labels=groups&cfg=99&class=5');
    expect(b.config.condition).toEqual({ labels: 'groups', dropout: 0.1, cfg: 1 });
    expect(b.sampleClass).toBeUndefined();
    expect(b.ignored.some((l) => l.startsWith('cfg=99'))).toBe(true);
    expect(b.ignored.some((l) => l.startsWith('class=5'))).toBe(true);
    const c = decodeExperiment('#dataset=8gaussians&class=x');
    expect(c.ignored.some((l) => l.startsWith('class=x'))).toBe(true);
  });
});
