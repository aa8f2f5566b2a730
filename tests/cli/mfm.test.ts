/** The posterior and guide commands' arguments: clear errors (exit 2) for a bad --t, --at, --reward, --estimator. */
import { describe, expect, it } from 'vitest';
import { parsePoint, parseReward, parseTime } from '../../src/cli/commands/mfm.ts';
import { UsageError } from '../../src/cli/errors.ts';
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
});
