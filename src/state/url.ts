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

/**
 * Class conditioning (config.condition), written only when the config has it, so unconditional links are
 * unchanged: `labels=groups&drop=0.1&cfg=2`. `class=K` is the class the samples show (absent: all).
 */
const CONDITION_FIELDS = { labels: 'labels', drop: 'dropout', cfg: 'cfg' } as const;
type ConditionKey = keyof typeof CONDITION_FIELDS;
const isConditionKey = (k: string): k is ConditionKey =>
  Object.prototype.hasOwnProperty.call(CONDITION_FIELDS, k);

export interface SharedExperiment {
  config: ExperimentConfig;
  /** Control names hidden for a lesson (`hide=method,dataset`): URL keys, `p.<name>`, or panel names. */
  hide: string[];
  /** Labelled runs: the class the samples show (`class=`); absent or -1: every class. */
  sampleClass?: number;
}

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
export function encodeExperiment({ config, hide, sampleClass }: SharedExperiment): string {
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

/**
 * Reads a hash (with or without '#'). `paramsSchema` is the chosen method's hyperparameter schema when known:
 * method parameters are then checked field by field; without it they are kept as typed by their text.
 */
export function decodeExperiment(
  hash: string,
  paramsSchema?: (method: string) => z.ZodObject | undefined,
): DecodedExperiment {
  const defaults = defaultExperiment();
  const raw: Record<string, unknown> = { net: {}, train: {}, teacher: {} };
  const params: Record<string, ParamValue> = {};
  const ignored: string[] = [];
  let hide: string[] = [];
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const byKey = new Map(URL_FIELDS.map((f) => [f.key, f]));
  const rawParams: [string, string][] = [];
  const rawCondition: Record<string, unknown> = {};
  let sampleClass: number | undefined;

  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
      value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      ignored.push(`"${part}" (not valid URL text)`);
      continue;
    }
    if (key === 'v') {
      if (value !== String(CONFIG_VERSION))
        ignored.push(
          `v=${value} (this page reads format version ${CONFIG_VERSION}; fields are read as version ${CONFIG_VERSION})`,
        );
      continue;
    }
    if (key === 'hide') {
      hide = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      continue;
    }
    if (isConditionKey(key)) {
      const name = CONDITION_FIELDS[key];
      const schema = conditionSchema.shape[name];
      const r = schema.safeParse(coerce(value, schema));
      if (r.success) rawCondition[name] = r.data;
      else ignored.push(`${key}=${value} (${firstIssue(r)})`);
      continue;
    }
    if (key === 'class') {
      const k = Number(value);
      if (value.trim() !== '' && Number.isInteger(k) && k >= -1) sampleClass = k;
      else ignored.push(`class=${value} (give a class index 0, 1, ... or -1 for all; showing all classes)`);
      continue;
    }
    if (key.startsWith(PARAM_PREFIX) && key.length > PARAM_PREFIX.length) {
      rawParams.push([key.slice(PARAM_PREFIX.length), value]);
      continue;
    }
    const f = byKey.get(key);
    if (!f) {
      ignored.push(`${key} (unknown field)`);
      continue;
    }
    const schema = fieldSchema(f);
    const r = schema.safeParse(coerce(value, schema));
    if (!r.success) {
      ignored.push(
        `${key}=${value} (${firstIssue(r)}; using ${formatValue(readValue(defaults, f) as ParamValue)})`,
      );
      continue;
    }
    if (f.section === null) raw[f.name] = r.data;
    else (raw[f.section] as Record<string, unknown>)[f.name] = r.data;
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
  for (const [name, value] of rawParams) {
    const schema = shape?.[name];
    if (shape && !schema) {
      ignored.push(`p.${name} (not a parameter of ${config.method})`);
      continue;
    }
    const typed = coerce(value, schema);
    const r = schema ? schema.safeParse(typed) : { success: true as const, data: typed };
    if (!r.success) {
      ignored.push(`p.${name}=${value} (${firstIssue(r)}; using the method's default)`);
      continue;
    }
    if (typeof r.data === 'number' || typeof r.data === 'string' || typeof r.data === 'boolean')
      params[name] = r.data;
  }
  config.params = params;
  if (config.condition === undefined) delete config.condition;
  return sampleClass === undefined ? { config, hide, ignored } : { config, hide, ignored, sampleClass };
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
    ignored.push(`labels=${labels} (${(e as Error).message} The run is unconditional.)`);
    return undefined;
  }
  if (!methodById(config.method).supportsLabels) {
    ignored.push(`labels=${labels} (${config.method} does not take class labels; the run is unconditional)`);
    return undefined;
  }
  return conditionSchema.parse(raw);
}
