/**
 * Controls generated from a zod object schema: numbers become sliders (or number inputs where the range is
 * wide), enums become selects, booleans become toggles. The method modules describe their hyperparameters
 * with zod (defaults, min/max, .describe() texts); the panel renders whatever this returns.
 */
import type { z } from 'zod';

export type ControlSpec =
  | {
      kind: 'number';
      name: string;
      label: string;
      help: string;
      min: number;
      max: number;
      step: number;
      int: boolean;
      log: boolean;
      default: number;
    }
  | { kind: 'enum'; name: string; label: string; help: string; options: string[]; default: string }
  | { kind: 'boolean'; name: string; label: string; help: string; default: boolean };

interface ZodInternals {
  _zod: { def: { type: string; innerType?: unknown; defaultValue?: unknown } };
  description?: string;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  options?: unknown[];
}

/** Unwraps default/optional/nullable wrappers; returns the base schema, its default and its description. */
function unwrap(schema: z.ZodType): { base: ZodInternals; fallback: unknown; description: string } {
  let s = schema as unknown as ZodInternals;
  let fallback: unknown;
  let description = s.description ?? '';
  while (s._zod.def.innerType) {
    if (s._zod.def.type === 'default' || s._zod.def.type === 'prefault') fallback ??= s._zod.def.defaultValue;
    s = s._zod.def.innerType as ZodInternals;
    description ||= s.description ?? '';
  }
  return { base: s, fallback, description };
}

/** "solverSteps" -> "solver steps"; "p_mean" -> "p mean". */
export function labelOf(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

/** A step that gives about 100 slider stops, rounded to 1, 2 or 5 times a power of ten. */
function niceStep(range: number): number {
  const raw = range / 100;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

function numberSpec(name: string, base: ZodInternals, fallback: unknown, help: string): ControlSpec {
  const int = Boolean(base.isInt);
  const finite = (x: number | null | undefined) =>
    typeof x === 'number' && Number.isFinite(x) ? x : undefined;
  const d = typeof fallback === 'number' ? fallback : 0;
  const rawMin = finite(base.minValue);
  const rawMax = finite(base.maxValue);
  // An open lower bound of 0 (z.number().positive()) with a wide range, or a positive range over two decades
  // or more (widths, batch sizes, step counts), reads best on a log scale.
  const openLog =
    !int && rawMin !== undefined && rawMin <= 0 && rawMax !== undefined && d > 0 && rawMax / d >= 100;
  const wideLog = rawMin !== undefined && rawMin > 0 && rawMax !== undefined && rawMax / rawMin >= 100;
  const log = openLog || wideLog;
  const min = openLog ? Math.min(d, rawMax!) / 1000 : (rawMin ?? Math.min(0, d));
  const max = rawMax ?? Math.max(1, Math.abs(d) * 10);
  const step = int ? Math.max(1, Math.round(niceStep(max - min))) : niceStep(max - min);
  return {
    kind: 'number',
    name,
    label: labelOf(name),
    help,
    min,
    max,
    step: int && max - min <= 100 ? 1 : step,
    int,
    log,
    default: d,
  };
}

/** One control per field of the object schema, in declaration order. Fields of other types are skipped. */
export function controlsFromSchema(schema: z.ZodObject): ControlSpec[] {
  const specs: ControlSpec[] = [];
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const { base, fallback, description } = unwrap(field);
    const type = base._zod.def.type;
    if (type === 'number') specs.push(numberSpec(name, base, fallback, description));
    else if (type === 'enum') {
      const options = (base.options ?? []).map(String);
      specs.push({
        kind: 'enum',
        name,
        label: labelOf(name),
        help: description,
        options,
        default: typeof fallback === 'string' ? fallback : options[0],
      });
    } else if (type === 'boolean') {
      specs.push({
        kind: 'boolean',
        name,
        label: labelOf(name),
        help: description,
        default: fallback === true,
      });
    }
  }
  return specs;
}

/** Slider position in [0, 1] for a value, and back; log controls map exponentially. */
export function toSlider(spec: Extract<ControlSpec, { kind: 'number' }>, value: number): number {
  if (spec.log) return Math.log(Math.max(value, spec.min) / spec.min) / Math.log(spec.max / spec.min);
  return (value - spec.min) / (spec.max - spec.min);
}

export function fromSlider(spec: Extract<ControlSpec, { kind: 'number' }>, u: number): number {
  const x = spec.log ? spec.min * (spec.max / spec.min) ** u : spec.min + u * (spec.max - spec.min);
  if (spec.int) return Math.round(x);
  // keep 3 significant digits so values read well in a link
  return Number(x.toPrecision(3));
}
