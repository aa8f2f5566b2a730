import { describe, expect, it } from 'vitest';
import { methodById } from '../../src/methods/index.ts';
import { resolveExperiment } from '../../src/train/config.ts';
import { resolvedParams } from '../../src/train/sampleGraph.ts';
import { planStages } from '../../src/train/plan.ts';

/** Each stage's name and how it binds the teacher. */
function plan(input: Parameters<typeof resolveExperiment>[0], teacherLoaded: boolean) {
  const config = resolveExperiment(input);
  const method = methodById(config.method);
  return planStages(method, config, resolvedParams(method, config), { teacherLoaded }).map((p) => [
    p.stage.name,
    p.teacher,
  ]);
}

describe('planStages binds the teacher', () => {
  it('trains a teacher first, or skips that stage when a checkpoint brings one', () => {
    const config = { method: 'meanflowDistill', dataset: 'moons' } as const;
    expect(plan(config, false)).toEqual([
      ['teacher', 'none'],
      ['student', 'network'],
    ]);
    expect(plan(config, true)).toEqual([['student', 'network']]);
  });

  it("keeps the exact velocity for an analytic run's checkpoint, whose teacher net was never trained", () => {
    // `flowmap-lab train` saves every network, the unused `teacher.*` too: eval, loss and the page load them
    const config = {
      method: 'meanflowDistill',
      dataset: '8gaussians',
      teacher: { source: 'analytic' },
    } as const;
    expect(plan(config, false)).toEqual([['student', 'analytic']]);
    expect(plan(config, true)).toEqual([['student', 'analytic']]);
  });
});
