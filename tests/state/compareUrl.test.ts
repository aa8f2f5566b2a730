import { describe, expect, it } from 'vitest';
import { decodeCompare, encodeCompare, isCompareHash, memberDefault } from '../../src/state/compareUrl.ts';
import { paramsSchemaOf } from '../../src/state/methods.ts';
import { quantizePoints } from '../../src/state/datasetUrl.ts';
import { resolveExperiment } from '../../src/train/config.ts';

describe('compare link', () => {
  it('round-trips three members with their own fields, on shared drawn data and seed', () => {
    const base = resolveExperiment({
      dataset: 'points',
      points: { xy: quantizePoints([0.5, 1, -2, 3, 1.25, -1]), jitter: 0.2 },
      seed: 7,
      net: { width: 32, depth: 2 },
      train: { steps: 200, batch: 128 },
    });
    const tvm = memberDefault('tvm', base)!;
    const members = [
      { entry: 'meanflow-2d', config: memberDefault('meanflow-2d', base)! },
      { entry: 'tvm', config: { ...tvm, train: { ...tvm.train, lr: 3e-4 } } },
      { entry: 'freeflow', config: memberDefault('freeflow', base)! },
    ];
    const c = { base, members, nfe: 2, hide: [] };
    const { hash, refused } = encodeCompare(c);
    expect(refused).toBeNull();
    expect(isCompareHash(hash)).toBe(true);
    expect(hash).toContain('compare=meanflow-2d,tvm,freeflow');
    expect(hash).toContain('m2.lr=0.0003');
    expect(hash).not.toContain('m1.');
    const back = decodeCompare(`#${hash}`, paramsSchemaOf);
    expect(back.ignored).toEqual([]);
    expect(back.nfe).toBe(2);
    expect(back.members.map((m) => m.config)).toEqual(members.map((m) => m.config));
    expect(back.members.every((m) => m.config.points?.jitter === 0.2 && m.config.seed === 7)).toBe(true);
    expect(encodeCompare(back).hash).toBe(hash);
  });

  it('names bad entries, fields and versions, keeps the rest, and never throws', () => {
    const d = decodeCompare(
      '#cv=2&dataset=moons&compare=fm,nosuch,meanflow&m1.lr=abc&m1.seed=4&m3.width=64&m9.lr=1e-3&nfe=3',
      paramsSchemaOf,
    );
    const text = d.ignored.join('\n');
    for (const want of ['cv=2', '"nosuch"', 'm1.lr=abc', 'm1.seed', 'm9.*', 'nfe=3'])
      expect(text).toContain(want);
    expect(d.members.map((m) => m.entry)).toEqual(['fm', 'meanflow']);
    expect(d.members[0].config.train.lr).toBe(1e-3);
    expect(d.members[1].config.net.width).toBe(64); // m3 is the third listed entry
    expect(d.members.every((m) => m.config.dataset === 'moons')).toBe(true);
    expect(decodeCompare('#compare=fm').ignored.join()).toMatch(/give 2 to 4/);
    expect(decodeCompare('#compare=fm,fm,fm,fm,fm').members).toHaveLength(4);
  });
});

describe('classroom comparisons', () => {
  it('every compare preset opens 2 to 4 members with no ignored field', async () => {
    const { COMPARE_PRESETS, LETTER_PRESET_CONFIG } = await import('../../src/state/comparePresets.ts');
    for (const p of COMPARE_PRESETS) {
      const d = decodeCompare(p.hash, paramsSchemaOf);
      expect(d.ignored, p.id).toEqual([]);
      expect(d.members.length, p.id).toBeGreaterThanOrEqual(2);
      expect(d.members.length, p.id).toBeLessThanOrEqual(4);
    }
    const letter = resolveExperiment(LETTER_PRESET_CONFIG);
    expect(letter.dataset).toBe('points');
    expect(letter.points?.xy.length).toBe(1200);
  });
});
