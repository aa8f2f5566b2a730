/** The posterior and guide commands' arguments: clear errors (exit 2) for a bad --t, --at, --reward, --estimator. */
import { describe, expect, it } from 'vitest';
import { parsePoint, parseReward, parseTime } from '../../src/cli/commands/mfm.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { posteriorReading, readingOf } from '../../src/cli/resultsMfm.ts';
import { main } from '../../src/cli/main.ts';

describe('flowmap-lab posterior and guide arguments', () => {
  it.each([
    [['posterior', '--checkpoint', 'x', '--t', '0.5', '--at', '1']],
    [['posterior', '--checkpoint', 'x', '--t', '0.5', '--at', '1,b']],
    [['posterior', '--checkpoint', 'x', '--t', '1.5', '--at', '1,2']],
    [['posterior', '--checkpoint', 'x', '--t', 'soon', '--at', '1,2']],
    [['posterior', '--checkpoint', '/nonexistent.safetensors', '--t', '0.5', '--at', '1,2']],
    [['posterior', '--t', '0.5', '--at', '1,2']],
    [['guide', '--checkpoint', 'x', '--reward', 'quadratic:1,2:0:1']],
    [['guide', '--checkpoint', 'x', '--reward', 'linear:1:0:1']],
    [['guide', '--checkpoint', 'x', '--reward', 'linear:0,0:0:1']],
    [['guide', '--checkpoint', 'x', '--reward', 'linear:1,2:0:-1']],
    [['guide', '--checkpoint', 'x', '--reward', 'linear:1,2:0:1', '--estimator', 'magic']],
    [['guide', '--checkpoint', 'x', '--reward', 'linear:1,2:0:1', '--mc', '0']],
  ])('%j exits with code 2', async (argv) => {
    expect(await main(argv)).toBe(2);
  });

  it('parses the documented forms', () => {
    expect(parseTime('0.6')).toBe(0.6);
    expect(parsePoint('1.5,-0.5')).toEqual([1.5, -0.5]);
    expect(parseReward('linear:1.2,-0.8:-1:0.2')).toEqual({ a: [1.2, -0.8], y: -1, sigma: 0.2 });
    expect(() => parseReward('linear:1.2,-0.8:-1')).toThrow(UsageError);
    expect(() => parsePoint('1,2,3')).toThrow(/--at must be a point X,Y/);
  });

  it('the results page reads its tables: where iwae beats DPS, and where the posterior beats the prior', () => {
    const row = (n: number, iwae: number) => [
      String(n),
      String(iwae),
      '0.01',
      '1',
      '1',
      '2',
      '0.4',
      '0.4',
      '0.01',
      '0.3',
      '2e-4',
    ];
    expect(readingOf([row(1, 50), row(8, 0.4)])).toMatch(
      /than DPS in both distances at N = 8;[\s\S]*floor at N = 8\./,
    );
    const post = [['gmm3', '0.3', 'x', '0.5', '0.1', '0.05', '0', '2']];
    expect(posteriorReading(post)).toMatch(/in 1; grid TV is 5\.0-5\.0 x/);
  });
});
