/**
 * Where a run's experiment config comes from: a preset by id, a JSON file, or the playground's URL hash
 * (the same link a teacher shares); then --steps and --seed override it. Every mistake is a UsageError.
 */
import { readFileSync } from 'node:fs';
import {
  ConfigError,
  resolveExperiment,
  type ExperimentConfig,
  type ExperimentInput,
} from '../train/config.ts';
import { METHOD_PRESETS } from '../train/presets.ts';
import { decodeLink } from '../state/datasetUrl.ts';
import { PRESETS } from '../state/presets.ts';
import { METHODS } from '../methods/index.ts';
import { PointsCsvError, parsePointsCsv } from '../data/pointsCsv.ts';
import { UsageError } from './errors.ts';

export interface ConfigFlags {
  preset?: string;
  config?: string;
  url?: string;
  steps?: number;
  /** Steps of a trained teacher's stage (distillation methods). */
  teacherSteps?: number;
  seed?: number;
  /** A CSV of x,y points: the dataset becomes 'points' (src/data/pointsCsv.ts). */
  data?: string;
  /** Gaussian jitter of the points dataset. */
  jitter?: number;
}

/** Method recipes (src/train/presets.ts) then classroom demos (src/state/presets.ts), by id. */
export const presetIds = (): string[] => [...METHOD_PRESETS.map((p) => p.id), ...PRESETS.map((p) => p.id)];

function presetConfig(id: string): ExperimentInput | undefined {
  return METHOD_PRESETS.find((p) => p.id === id)?.config ?? PRESETS.find((p) => p.id === id)?.config;
}

export interface ResolvedConfig {
  config: ExperimentConfig;
  /** Where it came from, for the log and metrics.json. */
  source: string;
  /** Fields of a URL hash that were ignored (unknown or invalid), one line each. */
  warnings: string[];
}

export function resolveConfig(flags: ConfigFlags): ResolvedConfig {
  const given = (['preset', 'config', 'url'] as const).filter((k) => flags[k] !== undefined);
  if (given.length === 0 && flags.data !== undefined)
    return resolveConfig({ ...flags, config: undefined, url: '' });
  if (given.length !== 1) {
    throw new UsageError(
      given.length === 0
        ? 'Say what to train: --preset NAME (see `flowmap-lab list`), --config FILE.json, or --url "#v=1&method=..." (a playground link).'
        : `Give only one of --preset, --config, --url (got ${given.map((g) => `--${g}`).join(', ')}).`,
    );
  }
  let raw: unknown;
  let source: string;
  let warnings: string[] = [];
  if (flags.preset !== undefined) {
    raw = presetConfig(flags.preset);
    if (!raw) throw new UsageError(`Unknown preset "${flags.preset}". Presets: ${presetIds().join(', ')}.`);
    source = `preset ${flags.preset}`;
  } else if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (e) {
      throw new UsageError(
        `Cannot read --config ${flags.config}: ${(e as Error).message}. Give the path of a JSON experiment config.`,
      );
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--config ${flags.config} is not valid JSON (${(e as Error).message}).`);
    }
    source = `config ${flags.config}`;
  } else {
    const url = flags.url!;
    const hash = url.includes('#') ? url.slice(url.indexOf('#') + 1) : url;
    const decoded = decodeLink(hash, (id) => METHODS.find((m) => m.id === id)?.schema);
    raw = decoded.config;
    warnings = decoded.ignored;
    source = `url #${hash}`;
  }
  const withOverrides = applyOverrides(raw, flags, source);
  try {
    if (flags.data !== undefined)
      source = source === 'url #' ? `data ${flags.data}` : `${source}, data ${flags.data}`;
    return { config: resolveExperiment(withOverrides), source, warnings };
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${flagOf(source)}: ${e.message}`);
    throw e;
  }
}

/** `config runs/x.json` -> `--config runs/x.json`: the flag and the file a message is about. */
const flagOf = (source: string) => source.replace(/^(config|preset|url) /, '--$1 ');

function applyOverrides(raw: unknown, flags: ConfigFlags, source: string): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(
      `${flagOf(source)}: an experiment config must be a JSON object, such as {"method": "fm", "dataset": "moons"}.`,
    );
  const out = structuredClone(raw) as Record<string, unknown>;
  if (flags.seed !== undefined) out.seed = flags.seed;
  if (flags.steps !== undefined)
    out.train = { ...((out.train as object | undefined) ?? {}), steps: flags.steps };
  if (flags.teacherSteps !== undefined)
    out.teacher = { ...((out.teacher as object | undefined) ?? {}), steps: flags.teacherSteps };
  if (flags.data !== undefined) {
    out.dataset = 'points';
    out.points = { ...((out.points as object | undefined) ?? {}), xy: Array.from(readPointsCsv(flags.data)) };
  }
  if (flags.jitter !== undefined) {
    if (out.dataset !== 'points')
      throw new UsageError('--jitter applies to a points dataset: give --data FILE.csv as well.');
    out.points = { ...((out.points as object | undefined) ?? {}), jitter: flags.jitter };
  }
  return out;
}

/** The points of a CSV file, rescaled to the canvas when they leave it (the note says so on stderr). */
function readPointsCsv(path: string): Float64Array {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read --data ${path}: ${(e as Error).message}. Give a CSV of x,y points.`);
  }
  try {
    const csv = parsePointsCsv(text);
    if (csv.rescale)
      console.error(
        `--data ${path}: ${csv.rows} points rescaled to the canvas: (x - ${csv.rescale.centre[0]}, y - ${csv.rescale.centre[1]}) * ${csv.rescale.scale.toPrecision(4)}`,
      );
    return csv.xy;
  } catch (e) {
    if (e instanceof PointsCsvError) throw new UsageError(`--data ${path}: ${e.message}`);
    throw e;
  }
}
