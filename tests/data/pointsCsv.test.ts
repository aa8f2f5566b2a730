import { describe, expect, it } from 'vitest';
import { PointsCsvError, parsePointsCsv, pointsToCsv } from '../../src/data/pointsCsv.ts';

describe('points CSV', () => {
  it('reads x,y rows with an optional header, comments and blank lines', () => {
    const a = parsePointsCsv('x,y\n0.5,-1\n\n# a comment\n1e-1, 2\r\n');
    expect(Array.from(a.xy)).toEqual([0.5, -1, 0.1, 2]);
    expect(a.header).toEqual(['x', 'y']);
    expect(a.rescale).toBeNull();
    expect(parsePointsCsv('1;2\n3\t4').rows).toBe(2);
  });

  it('names the bad line and says what a good one is', () => {
    expect(() => parsePointsCsv('x,y\n1,2\n3,abc\n')).toThrow(/line 3 .*"abc" is not a number/);
    expect(() => parsePointsCsv('1,2,3')).toThrow(/line 1 .* 3 columns/);
    expect(() => parsePointsCsv('1,2\nx,y')).toThrow(/line 2/);
    expect(() => parsePointsCsv('x,y\n')).toThrow(PointsCsvError);
    expect(() => parsePointsCsv('1,1e999')).toThrow(/finite/);
    const big = `${Array.from({ length: 100_001 }, (_, i) => `${i},0`).join('\n')}`;
    expect(() => parsePointsCsv(big)).toThrow(/line 100001 .*more than 100000/);
    expect(parsePointsCsv(big.slice(0, big.lastIndexOf('\n'))).rows).toBe(100_000);
  });

  it('fits points that leave the canvas into [-4, 4]^2 with one scale, and round-trips as text', () => {
    const a = parsePointsCsv('100,200\n300,250\n');
    expect(a.rescale).toEqual({ centre: [200, 225], scale: 4 / 100 });
    expect(Array.from(a.xy)).toEqual([-4, -1, 4, 1]);
    const xy = Float64Array.of(0.1, -2.5, 3.25, 4);
    const back = parsePointsCsv(pointsToCsv(xy)).xy;
    expect(Array.from(back, Math.fround)).toEqual(Array.from(xy, Math.fround));
  });
});
