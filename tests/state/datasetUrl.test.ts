import { describe, expect, it } from 'vitest';
import {
  MAX_DATA_CHARS,
  decodeLink,
  decodePoints,
  encodeLink,
  encodePoints,
  quantizePoints,
} from '../../src/state/datasetUrl.ts';
import { defaultExperiment, type ExperimentConfig } from '../../src/train/config.ts';

/** n points along strokes of a hand-drawn letter (what the brush gives: close steps with a wobble). */
function strokes(n: number, seed = 1): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const xy: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = i / n;
    xy.push(3 * Math.cos(7 * t) + 0.15 * rnd(), 3 * Math.sin(11 * t) + 0.15 * rnd());
  }
  return xy;
}

const withPoints = (xy: number[], jitter = 0.05): ExperimentConfig => ({
  ...defaultExperiment(),
  dataset: 'points',
  method: 'fm',
  points: { xy: quantizePoints(xy), jitter },
});

describe('points in the link', () => {
  it('round-trips a drawn dataset exactly through the hash (2000 points, about 6.7k characters of link)', () => {
    const config = withPoints(strokes(2000));
    const { hash, refused } = encodeLink({ config, hide: [] });
    expect(refused).toBeNull();
    const back = decodeLink(`#${hash}`);
    expect(back.ignored).toEqual([]);
    expect(back.config).toEqual(config);
    expect(encodeLink({ config: back.config, hide: [] }).hash).toBe(hash);
    const data = hash.slice(hash.indexOf('data=') + 5);
    expect(data.length).toBeLessThan(9000);
    expect(data.length).toBeGreaterThan(1000);
  });

  it('keeps the order and values of points on the 1/256 grid, including the int16 edges', () => {
    const xy = [127.99, -127.99, 0, 0, -0.00390625, 0.5, 4.5, -4.5];
    expect(decodePoints(encodePoints(xy))).toEqual(quantizePoints(xy));
  });

  it('refuses points past the safe link length, keeping the rest of the link', () => {
    const config = withPoints(strokes(40_000));
    const { hash, refused } = encodeLink({ config, hide: [] });
    expect(refused).toMatch(/CSV/);
    expect(hash.length).toBeLessThan(MAX_DATA_CHARS);
    const back = decodeLink(hash);
    expect(back.config.dataset).toBe('8gaussians');
    expect(back.ignored.join()).toMatch(/no points/);
  });

  it('names bad points, versions and jitter, and falls back without throwing', () => {
    const good = encodeLink({ config: withPoints(strokes(50)), hide: [] }).hash;
    for (const [edit, why] of [
      [good.replace(/data=1\./, 'data=2.'), /version 1/],
      [good.replace(/data=1\.(.{10})/, 'data=1.$1!!'), /base64url/],
      [good.slice(0, good.length - 20), /cut or corrupted/],
      [good.replace(/data=1\.[^&]*/, 'data=1.'), /cut or corrupted|bytes/],
    ] as const) {
      const d = decodeLink(edit);
      expect(d.config.dataset).toBe('8gaussians');
      expect(d.ignored.join()).toMatch(why);
    }
    const j = decodeLink(good.replace('jitter=0.05', 'jitter=abc'));
    expect(j.config.points?.jitter).toBe(0.1);
    expect(j.ignored.join()).toMatch(/jitter=abc/);
    expect(decodeLink('#dataset=moons&data=1.abc').ignored.join()).toMatch(/dataset is moons/);
  });
});
