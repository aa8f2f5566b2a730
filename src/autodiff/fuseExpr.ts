/**
 * WGSL expressions for elementwise subgraphs: `value(t, idx)` is the code of element `idx` (a u32
 * expression over t's own row-major shape) of tensor t. A tensor held in the arena and not computed
 * by this kernel is loaded (`data[offset + idx]`); every other elementwise node is computed inline,
 * once per (tensor, index) thanks to a memo of `let` bindings. Broadcasting, slices, concatenation
 * and small reductions become index arithmetic, so none of them costs a dispatch of its own.
 */
import { sizeOf, type Tensor } from './graph.ts';
import { broadcastStrides } from './cpu/kernels.ts';
import { Prim, type PrimParams, type Shape } from './prims.ts';

/** Activation ids of shaders/activations.wgsl (the engine's ACTIVATION_IDS; autodiff does not import the engine). */
const ACT_ID: Record<string, number> = { identity: 0, silu: 1, gelu: 2, tanh: 3, relu: 4, sigmoid: 5 };

export class FusionCodegenError extends Error {
  override name = 'FusionCodegenError';
}

export interface ExprEnv {
  /** Element offset in the arena of a materialized tensor (aliases resolved); undefined if it has none. */
  offset(t: Tensor): number | undefined;
  /** Tensors that this kernel computes (never loaded, even if they also have an arena slot). */
  computed: ReadonlySet<Tensor>;
}

/** A WGSL f32 literal for a number (infinities and NaN through bit patterns). */
export function f32Literal(v: number): string {
  if (Number.isNaN(v)) return 'bitcast<f32>(0x7fc00000u)';
  if (v === Infinity) return 'bitcast<f32>(0x7f800000u)';
  if (v === -Infinity) return 'bitcast<f32>(0xff800000u)';
  const f = Math.fround(v);
  if (Math.abs(f) > 3.4028234e38) return f > 0 ? 'bitcast<f32>(0x7f800000u)' : 'bitcast<f32>(0xff800000u)';
  let s = String(f);
  if (!/[.e]/.test(s)) s += '.0';
  return `f32(${s})`;
}

const strides = (shape: Shape) => {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
};

const UNARY: Record<string, (a: string) => string> = {
  neg: (a) => `(-${a})`,
  exp: (a) => `exp(${a})`,
  log: (a) => `log(${a})`,
  sqrt: (a) => `sqrt(${a})`,
  square: (a) => `(${a} * ${a})`,
  recip: (a) => `(1.0 / ${a})`,
  sin: (a) => `sin(${a})`,
  cos: (a) => `cos(${a})`,
  abs: (a) => `abs(${a})`,
};

const BINARY: Record<string, (a: string, b: string) => string> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  max: (a, b) => `max(${a}, ${b})`,
  min: (a, b) => `min(${a}, ${b})`,
  greater: (a, b) => `select(0.0, 1.0, ${a} > ${b})`,
};

const key = (t: Tensor) => `${t.node.id}.${t.index}`;

export class ExprEmitter {
  lines: string[] = [];
  usesCounter = false;
  private memo = new Map<string, string>();
  private static serial = 0;
  constructor(
    private env: ExprEnv,
    private indent = '  ',
  ) {}

  private fresh(prefix: string): string {
    return `${prefix}${ExprEmitter.serial++}`;
  }

  private bind(prefix: string, memoKey: string, code: string, type = ''): string {
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const name = this.fresh(prefix);
    this.lines.push(`${this.indent}let ${name}${type} = ${code};`);
    this.memo.set(memoKey, name);
    return name;
  }

  /** Runs `f` in a nested block: bindings made inside are forgotten after it (WGSL scoping). */
  block(f: () => string, indent = '  '): { lines: string[]; value: string } {
    const saved = { lines: this.lines, memo: this.memo, indent: this.indent };
    this.lines = [];
    this.memo = new Map(this.memo);
    this.indent = saved.indent + indent;
    const value = f();
    const lines = this.lines;
    Object.assign(this, saved);
    return { lines, value };
  }

  /** The flat index into `inShape` of element `idx` of `outShape` under numpy broadcasting. */
  broadcastIndex(outShape: Shape, inShape: Shape, idx: string): string {
    if (
      sizeOf(inShape) === sizeOf(outShape) &&
      inShape.filter((d) => d !== 1).join() === outShape.filter((d) => d !== 1).join()
    )
      return idx;
    if (sizeOf(inShape) === 1) return '0u';
    const inStr = broadcastStrides(inShape, outShape);
    const outStr = strides(outShape);
    const terms: string[] = [];
    outShape.forEach((d, k) => {
      if (inStr[k] === 0 || d === 1) return;
      const q = outStr[k] === 1 ? idx : `(${idx} / ${outStr[k]}u)`;
      const c = k === 0 ? q : `(${q} % ${d}u)`;
      terms.push(inStr[k] === 1 ? c : `${c} * ${inStr[k]}u`);
    });
    return this.bind('j', `b|${outShape}|${inShape}|${idx}`, terms.join(' + '));
  }

  /** The WGSL value of element `idx` of tensor t. */
  value(t: Tensor, idx: string): string {
    const off = this.env.offset(t);
    if (off !== undefined && !this.env.computed.has(t)) {
      return this.bind('x', `${key(t)}@${idx}`, `data[${off}u + ${idx}]`);
    }
    const hit = this.memo.get(`${key(t)}@${idx}`);
    if (hit) return hit;
    return this.bind('v', `${key(t)}@${idx}`, this.compute(t, idx));
  }

  private compute(t: Tensor, idx: string): string {
    const node = t.node;
    const ins = node.inputs;
    const at = (k: number) => this.value(ins[k], this.broadcastIndex(t.shape, ins[k].shape, idx));
    switch (node.prim) {
      case Prim.Constant:
        return f32Literal((node.params as PrimParams[Prim.Constant]).value);
      case Prim.Random: {
        const { dist, stream } = node.params as PrimParams[Prim.Random];
        this.usesCounter = true;
        return `rand_${dist}(${stream >>> 0}u, ${idx})`;
      }
      case Prim.Unary:
        return UNARY[(node.params as PrimParams[Prim.Unary]).op](at(0));
      case Prim.Activation: {
        const { act, order } = node.params as PrimParams[Prim.Activation];
        return `activation(${at(0)}, ${ACT_ID[act]}u, ${order}u)`;
      }
      case Prim.Binary:
        return BINARY[(node.params as PrimParams[Prim.Binary]).op](at(0), at(1));
      case Prim.Select:
        return `select(${at(2)}, ${at(1)}, ${at(0)} > 0.5)`;
      case Prim.BroadcastTo:
      case Prim.Reshape:
      case Prim.StopGradient:
        return at(0);
      case Prim.Slice: {
        const { axis, start, size } = node.params as PrimParams[Prim.Slice];
        const inner = sizeOf(t.shape.slice(axis + 1));
        const m = ins[0].shape[axis];
        const j = this.bind(
          'j',
          `s|${key(t)}|${idx}`,
          `((${idx} / ${size * inner}u) * ${m}u + ${start}u + (${idx} / ${inner}u) % ${size}u) * ${inner}u + ${idx} % ${inner}u`,
        );
        return this.value(ins[0], j);
      }
      case Prim.Concat:
        return this.concat(t, idx);
      case Prim.ReduceSum:
      case Prim.ReduceMax:
        return this.smallReduce(t, idx);
      default:
        throw new FusionCodegenError(
          `${node.prim} cannot be computed inside a fused kernel; the scheduler must give ${t} an arena slot`,
        );
    }
  }

  private concat(t: Tensor, idx: string): string {
    const { axis } = t.node.params as PrimParams[Prim.Concat];
    const inner = sizeOf(t.shape.slice(axis + 1));
    const total = t.shape[axis];
    const mid = this.bind('j', `cm|${total}|${inner}|${idx}`, `(${idx} / ${inner}u) % ${total}u`);
    const name = this.fresh('c');
    this.lines.push(`${this.indent}var ${name}: f32;`);
    let start = 0;
    t.node.inputs.forEach((x, k) => {
      const m = x.shape[axis];
      const b = this.block(() => {
        const j = this.bind(
          'j',
          `c|${key(t)}|${k}|${idx}`,
          `((${idx} / ${total * inner}u) * ${m}u + ${mid} - ${start}u) * ${inner}u + ${idx} % ${inner}u`,
        );
        return this.value(x, j);
      });
      const last = k === t.node.inputs.length - 1;
      const head = k === 0 ? 'if' : last ? '} else' : '} else if';
      this.lines.push(
        `${this.indent}${head}${last ? '' : ` (${mid} < ${start + m}u)`} {`,
        ...b.lines,
        `${this.indent}  ${name} = ${b.value};`,
      );
      start += m;
    });
    this.lines.push(`${this.indent}}`);
    return name;
  }

  /** A reduction over at most a few elements, unrolled in place. */
  private smallReduce(t: Tensor, idx: string): string {
    const { axes } = t.node.params as PrimParams[Prim.ReduceSum];
    const x = t.node.inputs[0];
    const { base, offsets } = reduceIndex(x.shape, axes);
    const b = this.bind('j', `rb|${key(t)}|${idx}`, base(idx));
    const vals = offsets.map((c) => this.value(x, c === 0 ? b : `(${b} + ${c}u)`));
    const op =
      t.node.prim === Prim.ReduceSum
        ? (a: string, v: string) => `(${a} + ${v})`
        : (a: string, v: string) => `max(${a}, ${v})`;
    return vals.reduce(op);
  }
}

/** For a reduction of `shape` over `axes`: the input base index of output element o, and the offsets of the reduced elements. */
export function reduceIndex(
  shape: Shape,
  axes: readonly number[],
): { base: (o: string) => string; offsets: number[] } {
  const inStr = strides(shape);
  const kept = shape.map((_, d) => d).filter((d) => !axes.includes(d));
  const keptShape = kept.map((d) => shape[d]);
  const keptStr = strides(keptShape);
  const base = (o: string) =>
    kept.length === 0
      ? '0u'
      : kept
          .map((d, k) => {
            const q = keptStr[k] === 1 ? o : `(${o} / ${keptStr[k]}u)`;
            const c = k === 0 ? q : `(${q} % ${keptShape[k]}u)`;
            return `${c} * ${inStr[d]}u`;
          })
          .join(' + ');
  const red = axes.map((d) => shape[d]);
  const offsets: number[] = [];
  const n = sizeOf(red);
  for (let r = 0; r < n; r++) {
    let rem = r;
    let off = 0;
    for (let k = red.length - 1; k >= 0; k--) {
      off += (rem % red[k]) * inStr[axes[k]];
      rem = Math.floor(rem / red[k]);
    }
    offsets.push(off);
  }
  return { base, offsets };
}
