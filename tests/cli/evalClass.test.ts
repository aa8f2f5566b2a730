import { describe, expect, it } from 'vitest';
import { checkClassFlags } from '../../src/cli/commands/evaluate.ts';
import { UsageError } from '../../src/cli/errors.ts';
import { resolveExperiment } from '../../src/train/config.ts';

describe('eval --class K --cfg W', () => {
  const labelled = resolveExperiment({ dataset: 'moons', method: 'fm', condition: { labels: 'moons' } });
  it('takes a class of the labelling (or -1) and a guidance scale', () => {
    expect(() => checkClassFlags(labelled, { class: 1, cfg: 2 })).not.toThrow();
    expect(() => checkClassFlags(labelled, { class: -1 })).not.toThrow();
  });
  it('refuses an unlabelled checkpoint, a class out of range and a bad w, saying what to give', () => {
    const plain = resolveExperiment({ dataset: 'moons', method: 'fm' });
    expect(() => checkClassFlags(plain, { class: 0 })).toThrow(UsageError);
    expect(() => checkClassFlags(plain, { class: 0 })).toThrow(/without class labels/);
    expect(() => checkClassFlags(labelled, { class: 2 })).toThrow(/0\.\.1/);
    expect(() => checkClassFlags(labelled, { class: Number('x') })).toThrow(UsageError);
    expect(() => checkClassFlags(labelled, { cfg: -1 })).toThrow(/guidance/);
  });
});
