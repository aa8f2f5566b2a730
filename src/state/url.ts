/**
 * The experiment as a readable URL hash, after TensorFlow Playground: typed, flat keys that a teacher can edit
 * by hand, a format version, the seed, method hyperparameters under `p.`, and `hide=` flags that hide controls
 * for a lesson. Example:
 *   #v=1&dataset=checkerboard&method=meanflow&seed=3&width=128&depth=3&act=silu&batch=1024&lr=0.001&p.ratio=0.25
 * Decoding never throws: a malformed or unknown field is named in `ignored` and falls back to its default.
 */
import type { z } from 'zod';
import { labellingOf } from '../engine/cpu/sampleData.ts';
import { methodById } from '../methods/index.ts';
import { checkMfmLink, encodeMfmLink, isMfmKey, readMfmKey, type MfmLink } from './mfmUrl.ts';
import {
  conditionSchema,
  CONFIG_VERSION,
  defaultExperiment,
  experimentSchema,
  netSchema,
  teacherSchema,
  trainSchema,
  type ExperimentConfig,
  type ParamValue,
} from '../train/config.ts';

type Section = 'net' | 'train' | 'teacher';

/** One flat key of the hash and where it lives in the config. */
interface Field {
  key: string;
  section: Section | null;
  name: string;
}

const sectionSchemas = { net: netSchema, train: trainSchema, teacher: teacherSchema } as const;

/** Hash keys in the order they are written. Short names where the config's would be long. */
export const URL_FIELDS: readonly Field[] = [
  { key: 'dataset', section: null, name: 'dataset' },
  { key: 'method', section: null, name: 'method' },
  { key: 'seed', section: null, name: 'seed' },
  { key: 'width', section: 'net', name: 'width' },
  { key: 'depth', section: 'net', name: 'depth' },
  { key: 'act', section: 'net', name: 'act' },
  { key: 'time', section: 'net', name: 'time' },
  { key: 'steps', section: 'train', name: 'steps' },
  { key: 'batch', section: 'train', name: 'batch' },
  { key: 'lr', section: 'train', name: 'lr' },
  { key: 'sched', section: 'train', name: 'schedule' },
  { key: 'beta1', section: 'train', name: 'beta1' },
  { key: 'beta2', section: 'train', name: 'beta2' },
  { key: 'wd', section: 'train', name: 'weightDecay' },
  { key: 'clip', section: 'train', name: 'clipNorm' },
  { key: 'ema', section: 'train', name: 'ema' },
  { key: 'teacher', section: 'teacher', name: 'source' },
  { key: 'tsteps', section: 'teacher', name: 'steps' },
  { key: 'solver', section: 'teacher', name: 'solver' },
  { key: 'tnfe', section: 'teacher', name: 'solverSteps' },
];

const PARAM_PREFIX = 'p.';

export interface SharedExperiment {
  config: ExperimentConfig;
  /** Control names hidden for a lesson (`hide=method,dataset`): URL keys, `p.<name>`, or panel names. */
  hide: string[];
  /** Labelled runs: the class the samples show (`class=`); absent or -1: every class. */
  sampleClass?: number;
  /** Meta Flow Maps: the posterior point and the reward panel (`post=`, `reward=`, ...; src/state/mfmUrl.ts). */
  mfm?: MfmLink;
}

/**
 * Class conditioning (config.condition), written only when the config has it, so unconditional links are
 * unchanged: `labels=groups&drop=0.1&cfg=2`. `class=K` is the class the samples show (absent: all).
 */
const CONDITION_FIELDS = { labels: 'labels', drop: 'dropout', cfg: 'cfg' } as const;
type ConditionKey = keyof typeof CONDITION_FIELDS;
const isConditionKey = (k: string): k is ConditionKey => Object.hasOwn(CONDITION_FIELDS, k);

export interface DecodedExperiment extends SharedExperiment {
  /** One human-readable line per field that was ignored (unknown key or bad value). Empty when all was used. */
  ignored: string[];
}

function fieldSchema(f: Field): z.ZodType {
  if (f.section === null) return experimentSchema.shape[f.name as 'dataset' | 'method' | 'seed'];
  const shape = sectionSchemas[f.section].shape as Record<string, z.ZodType>;
  return shape[f.name];
}

function readValue(config: ExperimentConfig, f: Field): unknown {
  const holder: Record<string, unknown> = f.section === null ? config : config[f.section];
  return holder[f.name];
}

/** Writes a number so that it reads back exactly and stays short (0.001, 1e-7, 1024). */
function formatValue(v: ParamValue): string {
  return String(v); // String(0.001) is '0.001', String(1e-7) is '1e-7': both read back exactly with Number()
}

/** Hash text (without '#') for an experiment: every config field, so that a link reproduces the run. */
export function encodeExperiment({ config, hide, sampleClass, mfm }: SharedExperiment): string {
  const parts: string[] = [`v=${CONFIG_VERSION}`];
  for (const f of URL_FIELDS)
    parts.push(`${f.key}=${encodeURIComponent(formatValue(readValue(config, f) as ParamValue))}`);
  if (config.condition) {
    for (const [key, name] of Object.entries(CONDITION_FIELDS))
      parts.push(`${key}=${encodeURIComponent(formatValue(config.condition[name]))}`);
    if (sampleClass !== undefined && sampleClass >= 0) parts.push(`class=${sampleClass}`);
  }
  for (const name of Object.keys(config.params).sort()) {
    parts.push(
      `${PARAM_PREFIX}${encodeURIComponent(name)}=${encodeURIComponent(formatValue(config.params[name]))}`,
    );
  }
  if (config.method === 'mfm') parts.push(...encodeMfmLink(mfm));
  if (hide.length > 0) parts.push(`hide=${hide.map(encodeURIComponent).join(',')}`);
  return parts.join('&');
}

/** Text of the hash to a typed value: numbers where the text is a number, booleans for true/false. */
function coerce(text: string, schema: z.ZodType | undefined): unknown {
  const kind = schema ? innerType(schema) : 'any';
  if (kind === 'number') return text.trim() === '' ? Number.NaN : Number(text);
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (kind === 'any') {
    if (text === 'true' || text === 'false') return text === 'true';
    if (text.trim() !== '' && Number.isFinite(Number(text))) return Number(text);
  }
  return text;
}

function innerType(schema: z.ZodType): string {
  let s = schema as unknown as { _zod: { def: { type: string; innerType?: unknown } } };
  while (s._zod.def.innerType) s = s._zod.def.innerType as typeof s;
  return s._zod.def.type;
}

function firstIssue(r: { error?: { issues: { message: string }[] } }): string {
  return r.error?.issues[0]?.message ?? 'invalid';
}

/** Longest echo of a link's text in a notice: a 100 KB value or `steps=999...9` must not widen the page. */
const ECHO_MAX = 40;

/** Link text as a notice quotes it: control characters dropped, long text cut with its length named. */
export function echo(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = (t: string) => t.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  if (text.length <= ECHO_MAX) return clean(text);
  return `${clean(text.slice(0, ECHO_MAX - 8))}... (${text.length} chars)`;
}

/** Longest `key=value` read: every field fits in a few dozen characters; a 100 KB value is not decoded. */
const PART_MAX = 2000;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The first characters of a long encoded text, decoded (a cut escape or UTF-8 sequence is dropped). */
function decodeHead(text: string): string {
  let head = text.slice(0, 3 * ECHO_MAX).replace(/%[0-9A-Fa-f]?$/, '');
  for (let i = 0; i < 4; i++) {
    try {
      return decodeURIComponent(head);
    } catch {
      head = head.replace(/%[0-9A-Fa-f]{2}$/, '');
    }
  }
  return head;
}

/** Names a lesson may hide (URL keys, `p.<name>`, panel names): short identifiers, nothing else. */
const HIDE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,39}$/;
const HIDE_MAX = 64;
/** A method parameter's name in a link: an identifier, never a key that an object's prototype holds. */
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True for names such as `__proto__`, `constructor` or `toString` that plain objects inherit. */
function isPrototypeKey(name: string): boolean {
  return name === '__proto__' || name in Object.prototype;
}

/**
 * Splits a hash into a null-prototype map of the last value of each key, in order of first appearance.
 * Keys given twice are named in `ignored` (the last value is used); undecodable parts are named and skipped.
 */
function splitHash(text: string, ignored: string[]): Map<string, string> {
  const entries = new Map<string, string>();
  const repeated = new Map<string, number>();
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (part.length > PART_MAX) {
      const key = eq < 0 ? part : part.slice(0, eq);
      const name = key.length <= PART_MAX ? safeDecode(key) : decodeHead(key);
      ignored.push(`${echo(name)} (${part.length} characters: longer than any field takes)`);
      continue;
    }
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      ignored.push(`"${echo(part)}" (not valid URL text)`);
      continue;
    }
    if (entries.has(key)) repeated.set(key, (repeated.get(key) ?? 1) + 1);
    entries.set(key, value);
  }
  for (const [key, n] of repeated)
    ignored.push(`${echo(key)} (given ${n} times; using the last, ${echo(entries.get(key) ?? '')})`);
  return entries;
}

function readHide(value: string, ignored: string[]): string[] {
  const hide: string[] = [];
  const bad: string[] = [];
  for (const name of value.split(',').map((s) => s.trim())) {
    if (name === '') continue;
    if (!HIDE_NAME.test(name) || hide.length >= HIDE_MAX) bad.push(name);
    else if (!hide.includes(name)) hide.push(name);
  }
  if (bad.length > 0)
    ignored.push(
      `hide: ${bad.length} name(s) such as "${echo(bad[0])}" (a control's URL key, p.<name> or a panel name)`,
    );
  return hide;
}

/**
 * Reads a hash (with or without '#'). `paramsSchema` is the chosen method's hyperparameter schema when known:
 * method parameters are then checked field by field; without it they are kept as typed by their text.
 * Only known keys are read (config keys never reach an object's prototype); the result is always a valid config.
 */
export function decodeExperiment(
  hash: string,
  paramsSchema?: (method: string) => z.ZodObject | undefined,
): DecodedExperiment {
  const defaults = defaultExperiment();
  const raw = { net: {}, train: {}, teacher: {} } as Record<Section, Record<string, unknown>> &
    Record<string, unknown>;
  const ignored: string[] = [];
  let hide: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const byKey = new Map(URL_FIELDS.map((f) => [f.key, f]));
  const rawParams = new Map<string, string>();
  const rawCondition: Record<string, unknown> = Object.create(null);
  let sampleClass: number | undefined;
  const mfmLink: MfmLink = {};

  for (const [key, value] of splitHash(text, ignored)) {
    if (key === 'v') {
      if (value !== String(CONFIG_VERSION))
        ignored.push(
          `v=${echo(value)} (this page reads format version ${CONFIG_VERSION}; fields are read as version ${CONFIG_VERSION})`,
        );
      continue;
    }
    if (key === 'hide') {
      hide = readHide(value, ignored);
      continue;
    }
    if (isConditionKey(key)) {
      const name = CONDITION_FIELDS[key];
      const schema = conditionSchema.shape[name];
      const r = schema.safeParse(coerce(value, schema));
      if (r.success) rawCondition[name] = r.data;
      else ignored.push(`${key}=${echo(value)} (${firstIssue(r)})`);
      continue;
    }
    if (key === 'class') {
      const k = Number(value);
      if (value.trim() !== '' && Number.isInteger(k) && k >= -1) sampleClass = k;
      else
        ignored.push(
          `class=${echo(value)} (give a class index 0, 1, ... or -1 for all; showing all classes)`,
        );
      continue;
    }
    if (isMfmKey(key)) {
      const why = readMfmKey(mfmLink, key, value);
      if (why) ignored.push(`${key}=${echo(value)} (${why})`);
      continue;
    }
    if (key.startsWith(PARAM_PREFIX) && key.length > PARAM_PREFIX.length) {
      const name = key.slice(PARAM_PREFIX.length);
      if (!PARAM_NAME.test(name) || isPrototypeKey(name))
        ignored.push(`${echo(key)} (not a method parameter's name)`);
      else rawParams.set(name, value);
      continue;
    }
    const f = byKey.get(key);
    if (!f) {
      ignored.push(`${echo(key)} (unknown field)`);
      continue;
    }
    const schema = fieldSchema(f);
    const r = schema.safeParse(coerce(value, schema));
    if (!r.success) {
      ignored.push(
        `${key}=${echo(value)} (${firstIssue(r)}; using ${formatValue(readValue(defaults, f) as ParamValue)})`,
      );
      continue;
    }
    if (f.section === null) raw[f.name] = r.data;
    else raw[f.section][f.name] = r.data;
  }

  const config = experimentSchema.parse(raw);
  config.condition = decodeCondition(config, rawCondition, ignored);
  if (sampleClass !== undefined && config.condition) {
    const k = labellingOf(config.dataset, config.condition.labels).classes;
    if (sampleClass >= k) {
      ignored.push(
        `class=${sampleClass} (${config.condition.labels} has classes 0..${k - 1}; showing all classes)`,
      );
      sampleClass = undefined;
    }
  } else if (sampleClass !== undefined) {
    ignored.push(`class=${sampleClass} (the run has no class labels: add labels=...)`);
    sampleClass = undefined;
  }
  const methodSchema = paramsSchema?.(config.method);
  const shape = methodSchema ? (methodSchema.shape as Record<string, z.ZodType>) : undefined;
  const params: [string, ParamValue][] = [];
  for (const [name, value] of rawParams) {
    const schema = shape && Object.hasOwn(shape, name) ? shape[name] : undefined;
    if (shape && !schema) {
      ignored.push(`p.${name} (not a parameter of ${config.method})`);
      continue;
    }
    const typed = coerce(value, schema);
    const r = schema ? schema.safeParse(typed) : { success: true as const, data: typed };
    if (!r.success) {
      ignored.push(`p.${name}=${echo(value)} (${firstIssue(r)}; using the method's default)`);
      continue;
    }
    if (typeof r.data === 'number' || typeof r.data === 'string' || typeof r.data === 'boolean')
      params.push([name, r.data]);
  }
  config.params = Object.fromEntries(params);
  if (config.condition === undefined) delete config.condition;
  const decoded: DecodedExperiment = { config, hide, ignored };
  if (sampleClass !== undefined) decoded.sampleClass = sampleClass;
  const mfm = checkMfmLink(config.method, mfmLink, ignored);
  if (mfm) decoded.mfm = mfm;
  return decoded;
}

/** The condition block of a hash, checked against the dataset and the method; undefined when absent or invalid. */
function decodeCondition(
  config: ExperimentConfig,
  raw: Record<string, unknown>,
  ignored: string[],
): ExperimentConfig['condition'] {
  if (Object.keys(raw).length === 0) return undefined;
  if (raw.labels === undefined) {
    ignored.push('drop/cfg without labels= (no class labels: the run is unconditional)');
    return undefined;
  }
  const labels = String(raw.labels);
  try {
    labellingOf(config.dataset, labels);
  } catch (e) {
    ignored.push(`labels=${echo(labels)} (${(e as Error).message} The run is unconditional.)`);
    return undefined;
  }
  if (!methodById(config.method).supportsLabels) {
    ignored.push(
      `labels=${echo(labels)} (${config.method} does not take class labels; the run is unconditional)`,
    );
    return undefined;
  }
  return conditionSchema.parse({ ...raw });
}
