/**
 * Whole WGSL kernels generated from the templates shaders/fusedElementwise.wgsl and
 * shaders/fusedReduce.wgsl: a fused elementwise group (several outputs, several sizes), a reduction
 * with its elementwise prologue, and the flat AdamW update. Pure text: the lowering compiles them.
 */
import elementwiseTemplate from '../../shaders/fusedElementwise.wgsl?raw';
import reduceTemplate from '../../shaders/fusedReduce.wgsl?raw';
import { sizeOf, type Tensor } from './graph.ts';
import { ExprEmitter, f32Literal, type ExprEnv } from './fuseExpr.ts';
import { Prim, type AdamParams, type PrimParams } from './prims.ts';

export const FUSED_WG = 64;

export interface GeneratedKernel {
  /** A name unique to the code (the pipeline cache is keyed by it). */
  name: string;
  code: string;
  /** Threads (elementwise) or workgroups (reduce) to launch. */
  threads?: number;
  workgroups?: number;
  usesCounter: boolean;
}

export interface ArenaConsts {
  seed: number;
  /** Element offset of the step counter (f32) in the arena. */
  counter: number;
}

function hash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

function fill(
  template: string,
  consts: string[],
  body: string[],
  prefix: string,
  usesCounter: boolean,
): GeneratedKernel {
  const code = template.replace('//{{CONSTS}}', consts.join('\n')).replace('//{{BODY}}', body.join('\n'));
  return { name: `${prefix}_${hash(code)}`, code, usesCounter };
}

const arenaConsts = (c: ArenaConsts) => [
  `const COUNTER: u32 = ${c.counter}u;`,
  `const SEED: u32 = ${c.seed >>> 0}u;`,
];

/**
 * One kernel writing every tensor of `outputs` at its offset: thread i writes element i of each
 * output holding more than i elements. With `incrementCounter`, thread 0 also advances the step counter
 * (only legal when no random number is drawn in the same kernel; the caller checks).
 */
export function elementwiseKernel(
  outputs: { t: Tensor; offset: number }[],
  env: ExprEnv,
  consts: ArenaConsts,
  incrementCounter = false,
): GeneratedKernel {
  const em = new ExprEmitter(env, '  ');
  const bySize = new Map<number, { t: Tensor; offset: number }[]>();
  for (const o of outputs) bySize.set(o.t.size, [...(bySize.get(o.t.size) ?? []), o]);
  const body: string[] = [];
  for (const [size, outs] of [...bySize].sort((a, b) => b[0] - a[0])) {
    const b = em.block(() => {
      for (const o of outs) {
        const v = em.value(o.t, 'i');
        em.lines.push(`${'    '}data[${o.offset}u + i] = ${v};`);
      }
      return '';
    });
    body.push(`  if (i < ${size}u) {`);
    for (const line of b.lines) body.push(line);
    body.push('  }');
  }
  if (incrementCounter) body.push('  if (i == 0u) {', '    data[COUNTER] = data[COUNTER] + 1.0;', '  }');
  const threads = Math.max(...outputs.map((o) => o.t.size), 1);
  const k = fill(elementwiseTemplate, arenaConsts(consts), body, 'fusedElementwise', em.usesCounter);
  return { ...k, threads };
}

/** The step-counter increment alone (when no generated kernel can carry it). */
export function counterKernel(consts: ArenaConsts): GeneratedKernel {
  const body = ['  if (i == 0u) {', '    data[COUNTER] = data[COUNTER] + 1.0;', '  }'];
  return { ...fill(elementwiseTemplate, arenaConsts(consts), body, 'stepCounter', false), threads: 1 };
}

function reduceConsts(op: 'sum' | 'max', out: number, outSize: number, r: number, c: ArenaConsts): string[] {
  return [
    ...arenaConsts(c),
    `const OUT: u32 = ${out}u;`,
    `const OUT_SIZE: u32 = ${outSize}u;`,
    `const R: u32 = ${r}u;`,
    `const INIT: f32 = ${op === 'sum' ? '0.0' : '-3.4028234e38'};`,
    `fn combine(a: f32, b: f32) -> f32 { return ${op === 'sum' ? 'a + b' : 'max(a, b)'}; }`,
  ];
}

/** ReduceSum/ReduceMax of tensor `t`'s node, the reduced tensor computed inline from its producers. */
export function reduceKernel(t: Tensor, offset: number, env: ExprEnv, consts: ArenaConsts): GeneratedKernel {
  const node = t.node;
  const { axes } = node.params as PrimParams[Prim.ReduceSum];
  const x = node.inputs[0];
  const r = sizeOf(axes.map((d) => x.shape[d]));
  const em = new ExprEmitter(env, '      ');
  const keptShape = x.shape.filter((_, d) => !axes.includes(d));
  const kept = em.decompose('o', keptShape);
  const red = em.decompose(
    'r',
    axes.map((d) => x.shape[d]),
  );
  let nk = 0;
  const coords = x.shape.map((_, d) => (axes.includes(d) ? red[axes.indexOf(d)] : kept[nk++]));
  const v = em.valueAt(x, coords);
  em.lines.push(`      let v = ${v};`);
  const op = node.prim === Prim.ReduceSum ? 'sum' : 'max';
  const k = fill(
    reduceTemplate,
    reduceConsts(op, offset, t.size, r, consts),
    em.lines,
    'fusedReduce',
    em.usesCounter,
  );
  return { ...k, workgroups: t.size };
}

/** sum_i data[from + i]^2 over `length` elements, written to data[out] (the global gradient norm squared). */
export function sumSquaresKernel(
  from: number,
  length: number,
  out: number,
  consts: ArenaConsts,
): GeneratedKernel {
  const body = [`      let g = data[${from}u + r];`, '      let v = g * g;'];
  return {
    ...fill(reduceTemplate, reduceConsts('sum', out, 1, length, consts), body, 'gradNormSq', false),
    workgroups: 1,
  };
}

export interface AdamLayout {
  /** Element offsets of the flat parameter, gradient, first- and second-moment regions (same layout). */
  p: number;
  g: number;
  m: number;
  v: number;
  /** Elements in each region (padding included: zero padding stays zero). */
  length: number;
  /** Element offset of the 1-based step count read by the update. */
  step: number;
  /** Element offset of the squared gradient norm (clipNorm > 0 only). */
  normSq?: number;
}

/** AdamW (torch.optim.AdamW, src/autodiff/cpu/adam.ts) over the flat regions, in place. */
export function adamKernel(
  h: AdamParams,
  at: AdamLayout,
  consts: ArenaConsts,
  incrementCounter: boolean,
): GeneratedKernel {
  const L = f32Literal;
  const clip =
    h.clipNorm > 0 && at.normSq !== undefined
      ? `min(1.0, ${L(h.clipNorm)} / (sqrt(data[${at.normSq}u]) + 1e-6))`
      : '1.0';
  const T = h.decaySteps ?? 0;
  // the scheduled rate (src/autodiff/cpu/adam.ts, scheduledLr): a literal, or cosine decay computed from t
  const lr =
    T > 0 ? `${L(h.lr / 2)} * (1.0 + cos(${L(Math.PI / T)} * min(max(t - 1.0, 0.0), ${L(T)})))` : L(h.lr);
  const body = [
    `  if (i < ${at.length}u) {`,
    `    let t = data[${at.step}u];`,
    `    let lr = ${lr};`,
    `    let g = data[${at.g}u + i] * ${clip};`,
    `    let m = ${L(h.beta1)} * data[${at.m}u + i] + ${L(1 - h.beta1)} * g;`,
    `    let v = ${L(h.beta2)} * data[${at.v}u + i] + ${L(1 - h.beta2)} * g * g;`,
    `    let bc1 = 1.0 - pow(${L(h.beta1)}, t);`,
    `    let bc2 = 1.0 - pow(${L(h.beta2)}, t);`,
    `    let p = data[${at.p}u + i] * (1.0 - lr * ${L(h.weightDecay)});`,
    `    data[${at.p}u + i] = p - lr * (m / bc1) / (sqrt(v / bc2) + ${L(h.eps)});`,
    `    data[${at.m}u + i] = m;`,
    `    data[${at.v}u + i] = v;`,
    '  }',
  ];
  if (incrementCounter) body.push('  if (i == 0u) {', '    data[COUNTER] = data[COUNTER] + 1.0;', '  }');
  return { ...fill(elementwiseTemplate, arenaConsts(consts), body, 'adamFlat', false), threads: at.length };
}
