import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeExperiment, encodeExperiment } from '../../src/state/url.ts';
import {
  ACTIVATIONS,
  DATASETS,
  METHOD_IDS,
  ODE_SOLVERS,
  TEACHER_SOURCES,
  TIME_FEATURES,
  defaultExperiment,
  parseExperiment,
  type ExperimentConfig,
} from '../../src/train/config.ts';

/** mulberry32: a small seeded generator so that a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomConfig(r: () => number): ExperimentConfig {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const logU = (lo: number, hi: number) => lo * (hi / lo) ** r();
  const params: Record<string, number | string | boolean> = {};
  const nParams = int(0, 4);
  for (let i = 0; i < nParams; i++)
    params[`param_${i}`] = pick([r(), int(-5, 500), r() < 0.5, 'logit-normal', 1e-7 * r()]);
  return parseExperiment({
    seed: int(0, 2 ** 31 - 1),
    dataset: pick(DATASETS),
    method: pick(METHOD_IDS),
    net: { width: int(8, 1024), depth: int(1, 8), act: pick(ACTIVATIONS), time: pick(TIME_FEATURES) },
    train: {
      steps: int(1, 1e6),
      batch: int(16, 16384),
      lr: logU(1e-6, 1),
      beta1: r() * 0.9999,
      beta2: r() * 0.99999,
      weightDecay: r() < 0.5 ? 0 : logU(1e-6, 1),
      clipNorm: r() < 0.5 ? 0 : logU(0.01, 100),
      ema: r() * 0.99999,
    },
    teacher: {
      source: pick(TEACHER_SOURCES),
      steps: int(1, 1e6),
      solver: pick(ODE_SOLVERS),
      solverSteps: int(1, 1000),
    },
    params,
  });
}

describe('experiment links', () => {
  it('round-trips 300 random configs exactly, with hide flags', () => {
    const r = rng(7);
    for (let i = 0; i < 300; i++) {
      const config = randomConfig(r);
      const hide = r() < 0.5 ? [] : ['method', 'dataset', 'p.ratio'].slice(0, 1 + Math.floor(r() * 3));
      const hash = encodeExperiment({ config, hide });
      const back = decodeExperiment(`#${hash}`);
      expect(back.ignored, hash).toEqual([]);
      expect(back.config, hash).toEqual(config);
      expect(back.hide).toEqual(hide);
    }
  });

  it('writes readable, typed keys a teacher can edit by hand', () => {
    const config = parseExperiment({
      dataset: 'checkerboard',
      method: 'meanflow',
      seed: 3,
      params: { ratio: 0.25 },
    });
    const hash = encodeExperiment({ config, hide: ['method', 'dataset'] });
    expect(hash).toMatch(/^v=1&dataset=checkerboard&method=meanflow&seed=3&width=128&depth=3&act=silu&/);
    expect(hash).toContain('&lr=0.001&');
    expect(hash).toContain('&p.ratio=0.25');
    expect(hash.endsWith('&hide=method,dataset')).toBe(true);
    const edited = decodeExperiment(hash.replace('width=128', 'width=64').replace('lr=0.001', 'lr=3e-4'));
    expect(edited.config.net.width).toBe(64);
    expect(edited.config.train.lr).toBe(3e-4);
    expect(edited.ignored).toEqual([]);
  });

  it('a short hand-written link fills every other field with defaults', () => {
    const d = decodeExperiment('#dataset=moons&seed=9');
    expect(d.ignored).toEqual([]);
    expect(d.config).toEqual({ ...defaultExperiment(), dataset: 'moons', seed: 9 });
    expect(decodeExperiment('').config).toEqual(defaultExperiment());
  });

  it('names each bad or unknown field and falls back to defaults for those fields only', () => {
    const d = decodeExperiment(
      '#v=1&dataset=circles&method=fm&width=abc&depth=99&lr=-1&act=silu&colour=red&seed=4&batch=&%E0%A4%A=1',
    );
    const joined = d.ignored.join(' | ');
    for (const name of ['dataset=circles', 'width=abc', 'depth=99', 'lr=-1', 'colour', 'batch=', '%E0%A4%A'])
      expect(joined).toContain(name);
    expect(d.ignored).toHaveLength(7);
    const def = defaultExperiment();
    expect(d.config.dataset).toBe(def.dataset);
    expect(d.config.net.width).toBe(def.net.width);
    expect(d.config.net.depth).toBe(def.net.depth);
    expect(d.config.train.lr).toBe(def.train.lr);
    expect(d.config.train.batch).toBe(def.train.batch);
    // the good fields are kept
    expect(d.config.method).toBe('fm');
    expect(d.config.seed).toBe(4);
    expect(d.config.net.act).toBe('silu');
  });

  it('reports a link of another format version', () => {
    const d = decodeExperiment('#v=2&seed=5');
    expect(d.ignored.join()).toContain('v=2');
    expect(d.config.seed).toBe(5);
  });

  it("checks method parameters against the method's schema when it is known", () => {
    const schema = z.object({
      ratio: z.number().min(0).max(1).default(0.75),
      p: z.number().min(0).max(2).default(1),
      adaptive: z.boolean().default(true),
      sampler: z.enum(['uniform', 'logit-normal']).default('logit-normal'),
    });
    const d = decodeExperiment(
      '#method=meanflow&p.ratio=0.25&p.p=7&p.adaptive=false&p.sampler=uniform&p.nope=1',
      (m) => (m === 'meanflow' ? schema : undefined),
    );
    expect(d.config.params).toEqual({ ratio: 0.25, adaptive: false, sampler: 'uniform' });
    expect(d.ignored.join(' | ')).toContain('p.p=7');
    expect(d.ignored.join(' | ')).toContain('p.nope');
    expect(d.ignored).toHaveLength(2);
    // without a schema, values are typed from their text
    expect(decodeExperiment('#p.a=0.5&p.b=true&p.c=heun').config.params).toEqual({
      a: 0.5,
      b: true,
      c: 'heun',
    });
  });
});
