/**
 * The first pass of the compiler: a canonical, deduplicated copy of the graph that the scheduler and
 * the lowering see (the graph the user built is left as it is: it stays the CPU oracle's input).
 *   - dense(x, W, b, act)          -> act(D), D = dense(x, W, b, identity)       (D is the pre-activation)
 *   - denseJvp(x, xd, W, b, act)   -> [act(D), act'(D) * (xd W^T)]               (the tangent as a second matmul)
 *   - stopGradient(x)              -> x                                          (the compiled step does not differentiate)
 *   - common subexpressions merge: the backward pass re-emits dense(x, W, b, identity) for act'(pre);
 *     after this pass it is the forward pass's D, so the pre-activation is computed once.
 * Dead nodes (the primal copies a jvp leaves behind) never enter: the walk starts at the roots.
 */
import { emit, topoSort, type Tensor } from './graph.ts';
import { Prim, type Activation, type PrimParams, type Shape } from './prims.ts';

const tensorKey = (t: Tensor) => `${t.node.id}.${t.index}`;

export class Rewriter {
  private table = new Map<string, Tensor[]>();
  readonly map = new Map<Tensor, Tensor>();

  /** The node (prim, params, inputs) with given output shapes, shared when one exists already. */
  cse<P extends Prim>(
    prim: P,
    params: PrimParams[P],
    inputs: readonly Tensor[],
    shapes: readonly Shape[],
    reuse?: Tensor[],
  ): Tensor[] {
    const key = `${prim}|${JSON.stringify(params)}|${inputs.map(tensorKey).join(',')}|${shapes.map((s) => s.join('x')).join(';')}`;
    const hit = this.table.get(key);
    if (hit) return hit;
    const outs = reuse ?? emit(prim, params, inputs, shapes);
    this.table.set(key, outs);
    return outs;
  }

  private dense(x: Tensor, w: Tensor, b: Tensor): Tensor {
    return this.cse(Prim.Dense, { act: 'identity' }, [x, w, b], [[x.shape[0], w.shape[0]]])[0];
  }

  private act(d: Tensor, act: Activation, order: 0 | 1): Tensor {
    return this.cse(Prim.Activation, { act, order }, [d], [d.shape])[0];
  }

  /** Rewrites everything `roots` depend on; returns the new roots in order. */
  run(roots: readonly Tensor[]): Tensor[] {
    for (const node of topoSort(roots)) {
      const ins = node.inputs.map((t) => this.map.get(t) ?? t);
      const unchanged = ins.every((t, i) => t === node.inputs[i]);
      let outs: Tensor[];
      switch (node.prim) {
        case Prim.StopGradient:
          outs = [ins[0]];
          break;
        case Prim.Dense: {
          const { act } = node.params as PrimParams[Prim.Dense];
          const d = this.dense(ins[0], ins[1], ins[2]);
          outs = [act === 'identity' ? d : this.act(d, act, 0)];
          break;
        }
        case Prim.DenseJvp: {
          const { act } = node.params as PrimParams[Prim.DenseJvp];
          const [x, xd, w, b] = ins;
          const d = this.dense(x, w, b);
          const q = this.cse(Prim.Matmul, { transA: false, transB: true }, [xd, w], [d.shape])[0];
          if (act === 'identity') outs = [d, q];
          else
            outs = [
              this.act(d, act, 0),
              this.cse(Prim.Binary, { op: 'mul' }, [this.act(d, act, 1), q], [d.shape])[0],
            ];
          break;
        }
        default:
          outs = this.cse<Prim>(
            node.prim,
            node.params as PrimParams[Prim],
            ins,
            node.outputs.map((o) => o.shape),
            unchanged ? node.outputs : undefined,
          );
      }
      node.outputs.forEach((o, i) => {
        if (outs[i] !== o) this.map.set(o, outs[i]);
      });
    }
    return roots.map((r) => this.map.get(r) ?? r);
  }
}

/** The canonical form of `roots` (same order). */
export const canonicalize = (roots: readonly Tensor[]): Tensor[] => new Rewriter().run(roots);
