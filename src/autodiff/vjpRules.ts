/**
 * One reverse-mode rule per primitive: from the node and the cotangents of its outputs (null = zero,
 * at least one non-null) return one cotangent per input (null = zero). `needs[i]` says whether input
 * i leads to a differentiated tensor; a rule may skip the work for the others. Rules emit graph nodes.
 */
import { type Node, type Tensor } from './graph.ts';
import { NotDifferentiableError } from './errors.ts';
import { nextDerivative, scale, unaryDerivative } from './jvpRules.ts';
import {
  broadcastTo,
  concat,
  dense,
  div,
  greater,
  matmul,
  mul,
  neg,
  reshape,
  select,
  slice,
  sub,
  sum,
} from './ops.ts';
import { Prim, type UnaryOp } from './prims.ts';
import { addOpt, keptShape, unbroadcast, zeros } from './symbolic.ts';

export type VjpRule<P extends Prim> = (
  node: Node<P>,
  cotangents: (Tensor | null)[],
  needs: boolean[],
) => (Tensor | null)[];

/** A leaf or a primitive without derivative: no cotangent flows to any input. */
const zeroVjp =
  <P extends Prim>(): VjpRule<P> =>
  (node) =>
    node.inputs.map(() => null);

/** Elementwise y = f(x): xbar = ybar f'(x). */
const chainVjp =
  <P extends Prim>(
    deriv: (node: Node<P>, x: Tensor, y: Tensor) => ReturnType<typeof nextDerivative>,
  ): VjpRule<P> =>
  (node, [g]) => [scale(deriv(node, node.inputs[0], node.outputs[0]), g)];

const unbroadcastOpt = (g: Tensor | null, shape: readonly number[]) =>
  g === null ? null : unbroadcast(g, shape);

export const vjpRules: { [P in Prim]: VjpRule<P> } = {
  [Prim.Input]: zeroVjp(),
  [Prim.Constant]: zeroVjp(),
  [Prim.Random]: zeroVjp(),
  [Prim.SampleData]: zeroVjp(),
  [Prim.Unary]: (node, [g]) =>
    node.params.op === 'neg'
      ? [neg(g!)]
      : [
          mul(
            g!,
            unaryDerivative[node.params.op as Exclude<UnaryOp, 'neg'>](node.inputs[0], node.outputs[0]),
          ),
        ],
  // xbar = ybar act^(k+1)(x)
  [Prim.Activation]: chainVjp((n, x) => nextDerivative(x, n.params.act, n.params.order)),
  [Prim.Binary]: (node, [g], needs) => {
    const [a, b] = node.inputs;
    const y = node.outputs[0];
    const back = (ga: Tensor | null, gb: Tensor | null) => [
      needs[0] ? unbroadcastOpt(ga, a.shape) : null,
      needs[1] ? unbroadcastOpt(gb, b.shape) : null,
    ];
    const gg = g!;
    switch (node.params.op) {
      case 'add':
        return back(gg, gg);
      case 'sub':
        return back(gg, needs[1] ? neg(gg) : null);
      case 'mul': // abar = g b, bbar = g a
        return back(needs[0] ? mul(gg, b) : null, needs[1] ? mul(gg, a) : null);
      case 'div': // abar = g / b, bbar = -g y / b
        return back(needs[0] ? div(gg, b) : null, needs[1] ? neg(div(mul(gg, y), b)) : null);
      case 'max': {
        const c = greater(a, b); // ties go to b, as in the jvp rule
        return back(needs[0] ? select(c, gg, 0) : null, needs[1] ? select(c, 0, gg) : null);
      }
      case 'min': {
        const c = greater(b, a);
        return back(needs[0] ? select(c, gg, 0) : null, needs[1] ? select(c, 0, gg) : null);
      }
      case 'greater':
        return [null, null];
    }
  },
  // abar = where(c, g, 0), bbar = where(c, 0, g)
  [Prim.Select]: (node, [g], needs) => {
    const [c, a, b] = node.inputs;
    return [
      null,
      needs[1] ? unbroadcast(select(c, g!, 0), a.shape) : null,
      needs[2] ? unbroadcast(select(c, 0, g!), b.shape) : null,
    ];
  },
  // xbar = broadcast of ybar over the reduced axes
  [Prim.ReduceSum]: (node, [g]) => {
    const x = node.inputs[0];
    return [broadcastTo(reshape(g!, keptShape(x.shape, node.params.axes)), x.shape)];
  },
  // xbar = ybar spread evenly over the positions that attain the max
  [Prim.ReduceMax]: (node, [g]) => {
    const x = node.inputs[0];
    const kept = keptShape(x.shape, node.params.axes);
    const mask = sub(1, greater(broadcastTo(reshape(node.outputs[0], kept), x.shape), x));
    const share = div(reshape(g!, kept), sum(mask, node.params.axes, true));
    return [mul(mask, share)];
  },
  [Prim.BroadcastTo]: (node, [g]) => [unbroadcast(g!, node.inputs[0].shape)],
  [Prim.Reshape]: (node, [g]) => [reshape(g!, node.inputs[0].shape)],
  [Prim.Concat]: (node, [g], needs) => {
    const axis = node.params.axis;
    let start = 0;
    return node.inputs.map((x, i) => {
      const s = start;
      start += x.shape[axis];
      return needs[i] ? slice(g!, axis, s, x.shape[axis]) : null;
    });
  },
  // xbar = g padded with zeros back to x's extent on the axis
  [Prim.Slice]: (node, [g]) => {
    const x = node.inputs[0];
    const { axis, start, size } = node.params;
    const part = (n: number) => zeros(x.shape.map((d, i) => (i === axis ? n : d)));
    const after = x.shape[axis] - start - size;
    return [concat([...(start > 0 ? [part(start)] : []), g!, ...(after > 0 ? [part(after)] : [])], axis)];
  },
  // C = opA(A) opB(B): opA(A)bar = G opB(B)^T, opB(B)bar = opA(A)^T G, transposed back where needed
  [Prim.Matmul]: (node, [g], needs) => {
    const [a, b] = node.inputs;
    const { transA, transB } = node.params;
    const gg = g!;
    const abar = transA
      ? matmul(b, gg, { transA: transB, transB: true })
      : matmul(gg, b, { transB: !transB });
    const bbar = transB
      ? matmul(gg, a, { transA: true, transB: transA })
      : matmul(a, gg, { transA: !transA });
    return [needs[0] ? abar : null, needs[1] ? bbar : null];
  },
  // prebar = ybar act'(pre); xbar = prebar W, Wbar = prebar^T x, bbar = sum_rows prebar
  [Prim.Dense]: (node, [g], needs) => {
    const [x, w, b] = node.inputs;
    const prebar = scale(nextDerivative(dense(x, w, b, 'identity'), node.params.act, 0), g)!;
    return denseBack(prebar, null, node.inputs, needs);
  },
  // prebar = ybar act'(pre) + ydotbar q act''(pre), qbar = ydotbar act'(pre), q = xd W^T;
  // xbar = prebar W, xdbar = qbar W, Wbar = prebar^T x + qbar^T xd, bbar = sum_rows prebar
  [Prim.DenseJvp]: (node, [gy, gyd], needs) => {
    const [x, xd, w, b] = node.inputs;
    const act = node.params.act;
    const pre = dense(x, w, b, 'identity');
    const d1 = nextDerivative(pre, act, 0);
    const d2 = nextDerivative(pre, act, 1);
    const fromQ = d2 === 0 || gyd === null ? null : mul(scale(d2, gyd)!, matmul(xd, w, { transB: true }));
    const prebar = addOpt(scale(d1, gy), fromQ);
    const qbar = scale(d1, gyd);
    return denseBack(prebar, qbar, node.inputs, needs);
  },
  [Prim.StopGradient]: zeroVjp(),
  [Prim.Adam]: () => {
    throw new NotDifferentiableError(Prim.Adam, 'a cotangent reached an optimizer update');
  },
};

/** Cotangents of (x, [xd,] W, b) of a dense layer from prebar (and qbar for the tangent input). */
function denseBack(prebar: Tensor | null, qbar: Tensor | null, inputs: readonly Tensor[], needs: boolean[]) {
  const withTangent = inputs.length === 4;
  const [x, xd, w] = withTangent ? inputs : [inputs[0], null, inputs[1]];
  const nw = needs[withTangent ? 2 : 1];
  const nb = needs[withTangent ? 3 : 2];
  const xbar = needs[0] && prebar ? matmul(prebar, w) : null;
  const wbar = nw
    ? addOpt(prebar && matmul(prebar, x, { transA: true }), qbar && xd && matmul(qbar, xd, { transA: true }))
    : null;
  const bbar = nb && prebar ? sum(prebar, [0]) : null;
  if (!withTangent) return [xbar, wbar, bbar];
  return [xbar, needs[1] && qbar ? matmul(qbar, w) : null, wbar, bbar];
}
