/**
 * Property-based fuzzing of the link decoder (fast-check, seeded): every generated hash gives a valid config,
 * never touches an object's prototype, keeps its good fields, and names every bad field in a notice whose
 * echoes stay short. The generators are shared with the e2e sample (tests/e2e/suites/reliability.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { paramsSchemaOf } from '../../src/state/methods.ts';
import { decodeExperiment } from '../../src/state/url.ts';
import { experimentSchema } from '../../src/train/config.ts';
import { linkArbitrary, type LinkPart } from './linkArbitrary.ts';

const RUNS = 10_000;
/** A notice line may name a field and echo 40 characters of its value; never the 100 KB of it. */
const NOTICE_MAX = 200;

function lastOf(parts: LinkPart[]): Map<string, LinkPart> {
  const m = new Map<string, LinkPart>();
  for (const p of parts) m.set(p.key, p);
  return m;
}

function readField(config: Record<string, unknown>, path: string[]): unknown {
  let v: unknown = config;
  for (const k of path) v = (v as Record<string, unknown>)[k];
  return v;
}

describe('link decoder under fuzzing', () => {
  it(`${RUNS} generated hashes: a valid config, the good fields kept, a notice for every bad field`, () => {
    let bad = 0;
    let protoKeys = 0;
    fc.assert(
      fc.property(linkArbitrary, ({ hash, parts }) => {
        // plain checks in the loop (expect() per field costs more than the decoder)
        const d = decodeExperiment(hash, paramsSchemaOf);
        const fail = (what: string) => {
          throw new Error(`${what}\n  hash: ${hash.slice(0, 300)}\n  notices: ${d.ignored.join(' | ')}`);
        };
        // a valid config, plain objects all the way down, nothing reached a prototype
        if (!experimentSchema.safeParse(d.config).success) fail('the config is not valid');
        for (const o of [d.config, d.config.net, d.config.train, d.config.teacher, d.config.params])
          if (Object.getPrototypeOf(o) !== Object.prototype)
            fail('an object of the config has another prototype');
        for (const name of Object.keys(d.config.params))
          if (name in Object.prototype) fail(`a prototype key reached params: ${name}`);
        if (({} as Record<string, unknown>).polluted !== undefined) fail('Object.prototype was polluted');
        for (const line of d.ignored)
          if (line.length > NOTICE_MAX) fail(`a notice line of ${line.length} chars`);
        for (const name of d.hide)
          if (!/^[A-Za-z][A-Za-z0-9_.-]{0,39}$/.test(name)) fail(`hide kept ${name}`);

        const joined = d.ignored.join('\n');
        for (const p of lastOf(parts).values()) {
          if (p.kind === 'good' && p.path && !Object.is(readField(d.config, p.path), p.expected))
            fail(`${p.key} should be ${String(p.expected)}, is ${String(readField(d.config, p.path))}`);
          if (p.kind === 'good' && p.key === 'hide' && d.hide.join() !== (p.expected as string[]).join())
            fail(`hide should be ${String(p.expected)}, is ${d.hide.join()}`);
          if (p.kind === 'bad') {
            bad++;
            if (p.prototypeKey) protoKeys++;
            if (!joined.includes(p.marker)) fail(`no notice names ${p.marker}`);
          }
        }
      }),
      { numRuns: RUNS, seed: 20261202 },
    );
    console.log(`url fuzz: ${RUNS} hashes, ${bad} bad fields named (${protoKeys} prototype keys)`);
    expect(bad).toBeGreaterThan(RUNS);
    expect(protoKeys).toBeGreaterThan(100);
  });

  it('the reported prototype links give notices, not a broken page', () => {
    for (const hash of [
      '#p.__proto__=1',
      '#__proto__=1',
      '#constructor=1',
      '#p.constructor=x',
      '#p.toString=1',
    ]) {
      const d = decodeExperiment(hash, paramsSchemaOf);
      expect(d.ignored.length, hash).toBe(1);
      expect(experimentSchema.parse(d.config)).toEqual(d.config);
    }
    const long = decodeExperiment(`#steps=${'9'.repeat(5000)}`);
    expect(long.ignored[0].length).toBeLessThan(NOTICE_MAX);
    expect(long.ignored[0]).toContain('5006 characters');
    const medium = decodeExperiment(`#steps=${'9'.repeat(500)}`);
    expect(medium.ignored[0]).toContain('500 chars');
    expect(medium.ignored[0].length).toBeLessThan(NOTICE_MAX);
  });
});
