import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { controlsFromSchema, fromSlider, labelOf, toSlider } from '../../src/state/controls.ts';

const schema = z.object({
  ratio: z.number().min(0).max(1).default(0.75).describe('fraction of the batch with r = t'),
  p: z.number().min(0).max(2).default(1),
  lr: z.number().positive().max(1).default(1e-3).describe('learning rate'),
  solverSteps: z.number().int().min(1).max(64).default(8),
  sampler: z.enum(['uniform', 'logit-normal']).default('logit-normal').describe('time sampler'),
  adaptive: z.boolean().default(true),
  note: z.string().default('skipped'),
});

describe('controls generated from a zod schema', () => {
  const specs = controlsFromSchema(schema);

  it('makes one control per number, enum and boolean field, in order, with defaults and help', () => {
    expect(specs.map((s) => `${s.kind}:${s.name}`)).toEqual([
      'number:ratio',
      'number:p',
      'number:lr',
      'number:solverSteps',
      'enum:sampler',
      'boolean:adaptive',
    ]);
    const ratio = specs[0];
    expect(ratio).toMatchObject({
      min: 0,
      max: 1,
      default: 0.75,
      int: false,
      log: false,
      help: 'fraction of the batch with r = t',
    });
    expect(specs[3]).toMatchObject({ min: 1, max: 64, step: 1, int: true, label: 'solver steps' });
    expect(specs[4]).toMatchObject({
      options: ['uniform', 'logit-normal'],
      default: 'logit-normal',
      help: 'time sampler',
    });
    expect(specs[5]).toMatchObject({ default: true });
  });

  it('uses a log slider for a positive value whose range spans decades, and maps slider positions back', () => {
    const lr = specs[2];
    if (lr.kind !== 'number') throw new Error('lr must be a number control');
    expect(lr.log).toBe(true);
    expect(lr.max).toBe(1);
    expect(lr.min).toBeCloseTo(1e-6);
    expect(fromSlider(lr, toSlider(lr, 1e-3))).toBeCloseTo(1e-3, 10);
    expect(fromSlider(lr, 0.5)).toBeCloseTo(1e-3, 6);
    const steps = specs[3];
    if (steps.kind !== 'number') throw new Error('steps must be a number control');
    expect(fromSlider(steps, 0.5)).toBe(33);
  });

  it('puts integer ranges over two decades (widths, batch sizes) on a log slider too', () => {
    const [batch] = controlsFromSchema(
      z.object({ batch: z.number().int().min(16).max(16384).default(1024) }),
    );
    if (batch.kind !== 'number') throw new Error('batch must be a number control');
    expect(batch.log).toBe(true);
    expect(fromSlider(batch, 0.5)).toBe(512);
    expect(fromSlider(batch, toSlider(batch, 1024))).toBe(1024);
  });

  it('labels camelCase and snake_case names in words', () => {
    expect(labelOf('weightDecay')).toBe('weight decay');
    expect(labelOf('p_mean')).toBe('p mean');
  });
});
