import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { BUDGET, RESULT_RECIPES, resultConfig } from '../../src/cli/results.ts';

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
