/**
 * WGSL expressions for elementwise subgraphs: `value(t, idx)` is the code of element `idx` (a u32
 * expression over t's own row-major shape) of tensor t. A tensor held in the arena and not computed
 * by this kernel is loaded (`data[offset + idx]`); every other elementwise node is computed inline,
 * ONCE per (tensor, element) as a `let`: the memo is keyed by per-dimension coordinates, so the code
 * is a DAG (a value used twice is bound once) and its size grows linearly with the graph. Broadcasting,
 * slices, concatenation and small reductions become coordinate arithmetic, no dispatch of their own.
 */
import { sizeOf, type Tensor } from './graph.ts';
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

/**
 * One coordinate of an element: `base + add` with `base` a WGSL u32 expression (a bound name) or
 * null for a constant. Indices are kept per dimension so that equal elements get equal keys: the
 * memo is keyed by (tensor, coordinates), and a constant coordinate (a reduced or sliced column)
 * folds statically (a concat picks its part at compile time).
 */
export interface Coord {
  base: string | null;
  add: number;
}

const ZERO: Coord = { base: null, add: 0 };
const coordKey = (c: Coord) => `${c.base ?? ''}${c.add >= 0 ? '+' : ''}${c.add}`;
export const coordCode = (c: Coord): string =>
  c.base === null
    ? `${c.add}u`
    : c.add === 0
      ? c.base
      : c.add > 0
        ? `(${c.base} + ${c.add}u)`
        : `(${c.base} - ${-c.add}u)`;
const shift = (c: Coord, d: number): Coord => ({ base: c.base, add: c.add + d });
const nonUnit = (shape: Shape) => shape.filter((d) => d !== 1).join();

export class ExprEmitter {
  lines: string[] = [];
  usesCounter = false;
  /** `let` bindings emitted so far (the kernel's size). */
  lets = 0;
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
    this.lets++;
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

  /** The coordinates over `shape` of the element at row-major flat index `flat` (a u32 expression). */
  decompose(flat: string, shape: Shape): Coord[] {
    const st = strides(shape);
    let outer = false;
    return shape.map((d, k) => {
      if (d === 1) return ZERO;
      const q = st[k] === 1 ? flat : `(${flat} / ${st[k]}u)`;
      const code = outer ? `(${q} % ${d}u)` : q;
      outer = true;
      return code === flat ? { base: flat, add: 0 } : { base: this.bind('j', `q|${code}`, code), add: 0 };
    });
  }

  /** The row-major flat index over `shape` of coordinates `c`, constants folded. */
  flat(c: readonly Coord[], shape: Shape): string {
    const st = strides(shape);
    let constant = 0;
    const terms: string[] = [];
    c.forEach((x, k) => {
      if (shape[k] === 1) return;
      constant += x.add * st[k];
      if (x.base !== null) terms.push(st[k] === 1 ? x.base : `${x.base} * ${st[k]}u`);
    });
    if (terms.length === 0) return `${constant}u`;
    const sum = terms.join(' + ');
    const code = constant === 0 ? sum : constant > 0 ? `${sum} + ${constant}u` : `${sum} - ${-constant}u`;
    return terms.length === 1 && constant === 0 ? sum : this.bind('j', `f|${code}`, code);
  }

  /** Coordinates over `inShape` of an element of `outShape` under numpy broadcasting. */
  private broadcast(outShape: Shape, inShape: Shape, c: readonly Coord[]): Coord[] {
    const lead = outShape.length - inShape.length;
    return inShape.map((d, k) => (d === 1 ? ZERO : c[k + lead]));
  }

  /** The WGSL value of element `idx` (a flat u32 expression over t's shape) of tensor t. */
  value(t: Tensor, idx: string): string {
    return this.valueAt(t, this.decompose(idx, t.shape));
  }

  /** The WGSL value of the element of tensor t at coordinates `c`, bound once per (tensor, element). */
  valueAt(t: Tensor, c: readonly Coord[]): string {
    const memoKey = `${key(t)}@${c.map(coordKey).join(',')}`;
    const hit = this.memo.get(memoKey);
    if (hit) return hit;
    const off = this.env.offset(t);
    if (off !== undefined && !this.env.computed.has(t)) {
      const flat = this.flat(c, t.shape);
      return this.bind('x', memoKey, `data[${flat === '0u' ? `${off}u` : `${off}u + ${flat}`}]`);
    }
    const code = this.compute(t, c);
    // Constants and plain renames need no binding of their own.
    if (/^(f32\([^()]*\)|[a-z]+[0-9]+)$/.test(code)) {
      this.memo.set(memoKey, code);
      return code;
    }
    return this.bind('v', memoKey, code);
  }

  private compute(t: Tensor, c: readonly Coord[]): string {
    const node = t.node;
    const ins = node.inputs;
    const at = (k: number) => this.valueAt(ins[k], this.broadcast(t.shape, ins[k].shape, c));
    switch (node.prim) {
      case Prim.Constant:
        return f32Literal((node.params as PrimParams[Prim.Constant]).value);
      case Prim.Random: {
        const { dist, stream } = node.params as PrimParams[Prim.Random];
        this.usesCounter = true;
        return `rand_${dist}(${stream >>> 0}u, ${this.flat(c, t.shape)})`;
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
      case Prim.StopGradient:
        return at(0);
      case Prim.Reshape: {
        const x = ins[0];
        if (nonUnit(x.shape) === nonUnit(t.shape)) {
          const kept = c.filter((_, k) => t.shape[k] !== 1);
          let n = 0;
          return this.valueAt(
            x,
            x.shape.map((d) => (d === 1 ? ZERO : kept[n++])),
          );
        }
        const f = this.flat(c, t.shape);
        return this.valueAt(x, this.decompose(f, x.shape));
      }
      case Prim.Slice: {
        const { axis, start } = node.params as PrimParams[Prim.Slice];
        return this.valueAt(
          ins[0],
          c.map((x, k) => (k === axis ? shift(x, start) : x)),
        );
      }
      case Prim.Concat:
        return this.concat(t, c);
      case Prim.ReduceSum:
      case Prim.ReduceMax:
        return this.smallReduce(t, c);
      default:
        throw new FusionCodegenError(
          `${node.prim} cannot be computed inside a fused kernel; the scheduler must give ${t} an arena slot`,
        );
    }
  }

  /**
   * A concatenation: a constant coordinate picks its part at compile time; otherwise every part is
   * read at its clamped coordinate and `select` keeps the right one (no branches, so every value
   * stays in one scope and is shared).
   */
  private concat(t: Tensor, c: readonly Coord[]): string {
    const { axis } = t.node.params as PrimParams[Prim.Concat];
    const ca = c[axis];
    const at = (k: number, x: Coord) =>
      this.valueAt(
        t.node.inputs[k],
        c.map((y, d) => (d === axis ? x : y)),
      );
    let start = 0;
    const starts = t.node.inputs.map((x) => {
      const s = start;
      start += x.shape[axis];
      return s;
    });
    if (ca.base === null) {
      let k = 0;
      while (k + 1 < starts.length && starts[k + 1] <= ca.add) k++;
      return at(k, shift(ca, -starts[k]));
    }
    const v = coordCode(ca);
    let out = '';
    t.node.inputs.forEach((x, k) => {
      const m = x.shape[axis];
      const s = starts[k];
      const clamped = s === 0 ? `min(${v}, ${m - 1}u)` : `min(${v} - min(${v}, ${s}u), ${m - 1}u)`;
      const j = m === 1 ? ZERO : { base: this.bind('j', `q|${clamped}`, clamped), add: 0 };
      const val = at(k, j);
      out =
        k === 0
          ? val
          : this.bind('c', `cc|${key(t)}|${k}|${v}|${out}`, `select(${out}, ${val}, ${v} >= ${s}u)`);
    });
    return out;
  }

  /** A reduction over at most a few elements, unrolled in place. */
  private smallReduce(t: Tensor, c: readonly Coord[]): string {
    const { axes, keepDims } = t.node.params as PrimParams[Prim.ReduceSum];
    const x = t.node.inputs[0];
    const kept = keepDims ? c.filter((_, d) => !axes.includes(d)) : c;
    const red = axes.map((d) => x.shape[d]);
    const vals: string[] = [];
    for (let r = 0; r < sizeOf(red); r++) {
      const rc = new Map<number, number>();
      let rem = r;
      for (let k = red.length - 1; k >= 0; k--) {
        rc.set(axes[k], rem % red[k]);
        rem = Math.floor(rem / red[k]);
      }
      let n = 0;
      vals.push(
        this.valueAt(
          x,
          x.shape.map((_, d) => (rc.has(d) ? { base: null, add: rc.get(d)! } : kept[n++])),
        ),
      );
    }
    const op =
      t.node.prim === Prim.ReduceSum
        ? (a: string, v: string) => `(${a} + ${v})`
        : (a: string, v: string) => `max(${a}, ${v})`;
    return vals.reduce(op);
  }
}
