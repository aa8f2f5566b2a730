/** The CLI's progress: a line while kernels compile, and never "0.0 steps/s" before a rate is measured. */
import { describe, expect, it, vi } from 'vitest';
import { compileNotice, fmtRate } from '../../src/cli/progress.ts';
import type { StepSummary } from '../../src/train/session.ts';

const summary = (stepsPerSecond: number): StepSummary => ({
  step: 1,
  stage: 'student',
  losses: { loss: 1 },
  stepsPerSecond,
  diverged: false,
});

describe('CLI progress', () => {
  it('says the rate is not measured yet instead of 0.0 steps/s', () => {
    expect(fmtRate(summary(0))).not.toMatch(/0\.0/);
    expect(fmtRate(summary(0))).toMatch(/compil/);
    expect(fmtRate(summary(Number.NaN))).not.toMatch(/NaN/);
    expect(fmtRate(summary(12.34))).toBe('12.3 steps/s');
  });

  it('prints "compiling N kernels..." before a program is built, nothing with --quiet', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      compileNotice()?.(20);
      expect(write).toHaveBeenCalledWith('compiling 20 kernels...\n');
      compileNotice()?.(1);
      expect(write).toHaveBeenCalledWith('compiling 1 kernel...\n');
      expect(compileNotice(true)).toBeUndefined();
    } finally {
      write.mockRestore();
    }
  });
});
