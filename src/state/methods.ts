/**
 * What the panel knows about each method: title, paper, one-line summary, hyperparameter schema and whether it
 * has a teacher stage. Read from the method registry (src/methods/index.ts) when it exists; before it lands the
 * panel lists the config's method ids with no hyperparameters (never invented ones).
 */
import type { z } from 'zod';
import { METHOD_IDS, type MethodId } from '../train/config.ts';

export interface MethodInfo {
  id: string;
  title: string;
  paper: string;
  summary: string;
  schema?: z.ZodObject;
  /** true where the method distills a teacher (teacher stage, then student) */
  teacher: boolean;
}

/** Methods whose student learns from a teacher, by the config's ids (seed document, methods.md). */
const DISTILLS: readonly string[] = ['flowmap', 'freeflow'];

const FALLBACK_TITLES: Record<MethodId, string> = {
  fm: 'Flow Matching',
  flowmap: 'Flow-map distillation',
  meanflow: 'MeanFlow',
  tvm: 'Terminal Velocity Matching',
  freeflow: 'FreeFlow (data-free)',
};

interface MethodLike {
  id: string;
  title?: string;
  paper?: string;
  summary?: string;
  schema?: z.ZodObject;
  teacher?: unknown;
  needsTeacher?: unknown;
}

const isMethodLike = (x: unknown): x is MethodLike =>
  typeof x === 'object' && x !== null && typeof (x as MethodLike).id === 'string' && 'schema' in x;

/** Collects method modules from whatever shape the registry exports (an array, a record, or single modules). */
export function methodsFromModule(mod: Record<string, unknown>): MethodInfo[] {
  const found = new Map<string, MethodLike>();
  for (const value of Object.values(mod)) {
    const items = Array.isArray(value) ? value : isMethodLike(value) ? [value] : typeof value === 'object' && value ? Object.values(value) : [];
    for (const item of items) if (isMethodLike(item) && !found.has(item.id)) found.set(item.id, item);
  }
  return [...found.values()].map((m) => ({
    id: m.id,
    title: m.title ?? FALLBACK_TITLES[m.id as MethodId] ?? m.id,
    paper: m.paper ?? '',
    summary: m.summary ?? '',
    schema: m.schema,
    teacher: typeof m.teacher === 'boolean' ? m.teacher : typeof m.needsTeacher === 'boolean' ? m.needsTeacher : DISTILLS.includes(m.id),
  }));
}

const registry = import.meta.glob<Record<string, unknown>>('../methods/index.ts', { eager: true });

function loadMethods(): MethodInfo[] {
  const mod = Object.values(registry)[0];
  const fromRegistry = mod ? methodsFromModule(mod) : [];
  const byId = new Map(fromRegistry.map((m) => [m.id, m]));
  // only ids the config accepts can run; with a registry, only those it implements
  const ids = fromRegistry.length > 0 ? METHOD_IDS.filter((id) => byId.has(id)) : [...METHOD_IDS];
  return ids.map(
    (id) => byId.get(id) ?? { id, title: FALLBACK_TITLES[id as MethodId] ?? id, paper: '', summary: '', teacher: DISTILLS.includes(id) },
  );
}

export const METHODS: readonly MethodInfo[] = loadMethods();

export function methodInfo(id: string): MethodInfo | undefined {
  return METHODS.find((m) => m.id === id);
}

/** The hyperparameter schema of a method, for the URL codec and the panel. */
export const paramsSchemaOf = (id: string): z.ZodObject | undefined => methodInfo(id)?.schema;

/** Method params with the schema's defaults filled in and unknown keys dropped. */
export function resolveParams(id: string, params: Record<string, number | string | boolean>): Record<string, number | string | boolean> {
  const schema = paramsSchemaOf(id);
  if (!schema) return params;
  const r = schema.safeParse(params);
  if (r.success) return r.data as Record<string, number | string | boolean>;
  const defaults = schema.safeParse({});
  return defaults.success ? (defaults.data as Record<string, number | string | boolean>) : {};
}
