/**
 * Compare mode in the link: 2 to 4 methods trained on the same data, seed and evaluation noise.
 *   #v=1&dataset=moons&seed=3&width=64&...&cv=1&compare=meanflow,tvm,freeflow&nfe=1&m2.lr=0.0003&m3.p.predictorWeight=2
 * The experiment's own keys (src/state/url.ts, plus a drawn dataset's, src/state/datasetUrl.ts) are the
 * shared base; `compare=` lists the members, each a method id or a method recipe id (src/train/presets.ts:
 * the recipe gives the method, its hyperparameters and its teacher settings; the base gives the rest);
 * `m<i>.<key>` overrides any url.ts key of member i (1-based) and is written only where it differs from the
 * member's default. Dataset, points and seed are shared and cannot be overridden. `nfe=` is the NFE the
 * panels show. `cv=` is this format's version (1). Decoding never throws: a bad entry or field is named in
 * `ignored` and falls back (a bad member is dropped, a bad field takes the member's default).
 */
import type { z } from 'zod';
import { METHOD_PRESETS } from '../train/presets.ts';
import { METHOD_IDS, resolveExperiment, type ExperimentConfig, type MethodId } from '../train/config.ts';
import { decodeLink, encodeLink } from './datasetUrl.ts';
import { decodeExperiment, encodeExperiment } from './url.ts';

export const COMPARE_VERSION = 1;
export const MIN_MEMBERS = 2;
export const MAX_MEMBERS = 4;
export const COMPARE_NFES = [1, 2, 4, 8] as const;
/** Keys every member shares with the base. */
const SHARED_KEYS = new Set(['dataset', 'seed', 'v', 'hide', 'data', 'jitter']);

export interface CompareMember {
  /** A method id or a method recipe id, as the link lists it. */
  entry: string;
  config: ExperimentConfig;
}

export interface CompareExperiment {
  /** The shared experiment: dataset, points, seed, and the defaults of every member. */
  base: ExperimentConfig;
  members: CompareMember[];
  /** NFE of the panels' samples. */
  nfe: number;
  hide: string[];
}

export interface DecodedCompare extends CompareExperiment {
  ignored: string[];
}

/** True when a hash is a comparison (it has a `compare=` key). */
export const isCompareHash = (hash: string): boolean =>
  (hash.startsWith('#') ? hash.slice(1) : hash).split('&').some((p) => p.startsWith('compare='));

/** Method ids and recipe ids a member may be. */
export const memberEntries = (): string[] => [...METHOD_IDS, ...METHOD_PRESETS.map((p) => p.id)];

/** A member's config before its `m<i>.` overrides: the base with the entry's method (and recipe). */
export function memberDefault(entry: string, base: ExperimentConfig): ExperimentConfig | null {
  if ((METHOD_IDS as readonly string[]).includes(entry))
    return resolveExperiment({ ...base, method: entry as MethodId, params: {} });
  const recipe = METHOD_PRESETS.find((p) => p.id === entry);
  if (!recipe) return null;
  const r = resolveExperiment(recipe.config);
  return resolveExperiment({
    ...base,
    method: r.method,
    params: r.params,
    teacher: {
      ...base.teacher,
      source: r.teacher.source,
      solver: r.teacher.solver,
      solverSteps: r.teacher.solverSteps,
    },
  });
}

/** key -> raw (still URI-encoded) value of a hash's parts, in order. */
function parts(hash: string): [string, string][] {
  return hash
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
    });
}

/** The comparison's hash (without '#'); `refused` as encodeLink says when drawn points are too many. */
export function encodeCompare(c: CompareExperiment): { hash: string; refused: string | null } {
  const base = encodeLink({ config: c.base, hide: c.hide });
  const out = [
    base.hash,
    `cv=${COMPARE_VERSION}`,
    `compare=${c.members.map((m) => m.entry).join(',')}`,
    `nfe=${c.nfe}`,
  ];
  c.members.forEach((m, i) => {
    const def = memberDefault(m.entry, c.base);
    const want = new Map(parts(encodeExperiment({ config: m.config, hide: [] })));
    const have = new Map(def ? parts(encodeExperiment({ config: def, hide: [] })) : []);
    for (const [k, v] of want) if (!SHARED_KEYS.has(k) && have.get(k) !== v) out.push(`m${i + 1}.${k}=${v}`);
  });
  return { hash: out.join('&'), refused: base.refused };
}

/** Reads a comparison hash; never throws. */
export function decodeCompare(
  hash: string,
  paramsSchema?: (method: string) => z.ZodObject | undefined,
): DecodedCompare {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const rest: string[] = [];
  const overrides = new Map<number, [string, string][]>();
  const ignored: string[] = [];
  let entries: string[] = [];
  let nfe = 1;
  for (const [key, value] of parts(text)) {
    const member = /^m(\d+)\.(.+)$/.exec(key);
    if (key === 'cv') {
      if (value !== String(COMPARE_VERSION))
        ignored.push(
          `cv=${value} (this page reads compare format ${COMPARE_VERSION}; read as ${COMPARE_VERSION})`,
        );
    } else if (key === 'compare')
      entries = decodeURIComponent(value)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (key === 'nfe') {
      const v = Number(value);
      if ((COMPARE_NFES as readonly number[]).includes(v)) nfe = v;
      else ignored.push(`nfe=${value} (give one of ${COMPARE_NFES.join(', ')}; using 1)`);
    } else if (member) {
      const list = overrides.get(Number(member[1])) ?? [];
      list.push([member[2], value]);
      overrides.set(Number(member[1]), list);
    } else rest.push(value === '' && !text.includes(`${key}=`) ? key : `${key}=${value}`);
  }
  const decoded = decodeLink(rest.join('&'), paramsSchema);
  ignored.unshift(...decoded.ignored);
  const base = resolveExperiment(decoded.config);
  const members: CompareMember[] = [];
  entries.forEach((entry, i) => {
    const n = i + 1;
    const def = memberDefault(entry, base);
    if (!def) {
      ignored.push(
        `compare entry "${entry}" (not a method or recipe; use one of: ${memberEntries().join(', ')})`,
      );
      return;
    }
    if (members.length >= MAX_MEMBERS) {
      ignored.push(`compare entry "${entry}" (at most ${MAX_MEMBERS} members)`);
      return;
    }
    const fields = new Map(parts(encodeExperiment({ config: def, hide: [] })));
    for (const [k, v] of overrides.get(n) ?? []) {
      if (SHARED_KEYS.has(k)) ignored.push(`m${n}.${k} (shared by every member; set ${k}= once)`);
      else fields.set(k, v);
    }
    overrides.delete(n);
    const d = decodeExperiment([...fields].map(([k, v]) => `${k}=${v}`).join('&'), paramsSchema);
    ignored.push(...d.ignored.map((line) => `m${n}.${line}`));
    const config = resolveExperiment({
      ...d.config,
      dataset: base.dataset,
      points: base.points,
      seed: base.seed,
    });
    members.push({ entry, config });
  });
  for (const n of overrides.keys()) ignored.push(`m${n}.* (there is no member ${n})`);
  if (members.length < MIN_MEMBERS)
    ignored.push(`compare= lists ${members.length} usable member(s); give ${MIN_MEMBERS} to ${MAX_MEMBERS}`);
  return { base, members, nfe, hide: decoded.hide, ignored };
}
