import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { BUDGET, RESULT_RECIPES, resultConfig, rowVerdict, type ResultRow } from '../../src/cli/results.ts';
import { RESULT_SUITES, selectRecipes } from '../../src/cli/resultRecipes.ts';

describe('flowmap-lab results recipes', () => {
  it.each(RESULT_RECIPES.map((r) => [r.id]))('%s resolves to a valid experiment at the budget', (id) => {
    const c = resultConfig(id, 'moons');
    expect(c.net.width).toBe(BUDGET.width);
    expect(c.train.steps).toBe(BUDGET.steps);
    expect(c.dataset).toBe('moons');
  });

  it('keeps the official MeanFlow settings beside the 2-D recipe', () => {
    const official = resultConfig('meanflow', '8gaussians').params;
    const twoD = resultConfig('meanflow-2d', '8gaussians').params;
    expect(official).toMatchObject({ adaptiveP: 1, timeDist: 'logitNormal', ratioEqual: 0.75 });
    expect(twoD).toMatchObject({ adaptiveP: 0, timeDist: 'uniform', ratioEqual: 0.25 });
  });

  it('takes budget overrides and rejects an unknown recipe with exit code 2', async () => {
    expect(resultConfig('tvm', 'moons', { ...BUDGET, width: 32, steps: 10 }).net.width).toBe(32);
    expect(await main(['results', '--methods', 'nosuch', '--out', '/tmp/unused'])).toBe(2);
    expect(await main(['results', '--width', '0'])).toBe(2);
  });
});

describe('flowmap-lab results suites', () => {
  it('keeps each recipe on its page, with FM as the reference of both', () => {
    expect(RESULT_SUITES.methods.recipes.map((r) => r.id)).not.toContain('dmd2');
    expect(RESULT_SUITES.distribution.recipes.map((r) => r.id)).toEqual([
      'fm',
      'dmd2',
      'dmd',
      'vsd',
      'tmd-1',
      'tmd-2',
      'tmd-4',
    ]);
    expect(selectRecipes(RESULT_SUITES.distribution, ['tmd']).map((r) => r.id)).toEqual([
      'tmd-1',
      'tmd-2',
      'tmd-4',
    ]);
  });

  it('names the suite that holds a recipe asked of the wrong one, with exit code 2', async () => {
    expect(() => selectRecipes(RESULT_SUITES.methods, ['dmd2'])).toThrow(/--suite distribution/);
    expect(await main(['results', '--methods', 'dmd2', '--out', '/tmp/unused'])).toBe(2);
    expect(await main(['results', '--suite', 'all', '--methods', 'fm', '--out', '/tmp/unused'])).toBe(2);
    expect(await main(['results', '--datasets', 'nosuch', '--out', '/tmp/unused'])).toBe(2);
  });

  it('says beside a picture whether a student halves FM and keeps every mode', () => {
    const report = (one: number, modes?: number) => ({
      metrics: { gridTv: { '1': one }, ...(modes === undefined ? {} : { modes: { '1': modes } }) },
      floor: { gridTv: 0.1, ...(modes === undefined ? {} : { modes: 8 }) },
    });
    const row = (one: number, modes?: number) => ({ report: report(one, modes) }) as unknown as ResultRow;
    expect(rowVerdict(row(0.3, 8), 1)).toMatch(/at most half .* all 8 hold/);
    expect(rowVerdict(row(0.6, 5), 1)).toMatch(/\*\*Not met:\*\*.*\*\*Modes dropped:\*\* 5 of 8/);
  });
});

describe('a multi-step recipe is judged at its own NFE', () => {
  it('compares tmd-2 at 2 steps with FM at 2 Euler steps', () => {
    const row = {
      report: {
        metrics: { gridTv: { '1': 0.83, '2': 0.48 }, modes: { '1': 1, '2': 8 } },
        floor: { gridTv: 0.1, modes: 8 },
      },
    } as unknown as ResultRow;
    expect(rowVerdict(row, 0.68, 2)).toMatch(
      /^\*\*Not met:\*\* its 2 steps give grid TV 0.480, more than half of FM's 2 Euler steps \(0.680\)\. Modes: all 8/,
    );
    expect(rowVerdict(row, 1.0, 2)).toMatch(/^Its 2 steps: grid TV 0.480, at most half/);
  });
});
