/**
 * One forward-mode rule per primitive. A rule gets the node, its re-emitted input primals and the
 * input tangents (null = zero; at least one is non-null, the machinery handles the all-zero case)
 * and returns the output primals and tangents. Rules emit graph nodes only.
 */
import { type Node, type Tensor } from './graph.ts';
import { DerivativeOrderError, NotDifferentiableError } from './errors.ts';
import {
  activation,
  broadcastTo,
  concat,
  cos,
  dense,
  denseJvp,
  div,
  greater,
  matmul,
  mul,
  neg,
  reshape,
  select,
  sin,
  slice,
  square,
  sub,
  sum,
} from './ops.ts';
import { Prim, type Activation, type UnaryOp } from './prims.ts';
import { addOpt, keptShape, negOpt, reemit, toShape, zeros } from './symbolic.ts';

export type JvpRule<P extends Prim> = (
  node: Node<P>,
  primals: Tensor[],
  tangents: (Tensor | null)[],
) => { primals: Tensor[]; tangents: (Tensor | null)[] };

/** No derivative: the primal is re-emitted, every output tangent is zero. */
const zeroJvp =
  <P extends Prim>(): JvpRule<P> =>
  (node, xs) => ({ primals: reemit(node, xs), tangents: node.outputs.map(() => null) });

/** A linear op: the tangent is the same op applied to the tangents (zeros only where unavoidable). */
const linearJvp =
  <P extends Prim>(apply: (node: Node<P>, dots: Tensor[]) => Tensor): JvpRule<P> =>
  (node, xs, dots) => ({
    primals: reemit(node, xs),
    tangents: [
      apply(
        node,
        dots.map((d, i) => d ?? zeros(node.inputs[i].shape)),
      ),
    ],
  });

/** A bilinear op f(a, b): tangent f(a', b) + f(a, b'), a zero tangent drops its term. */
const bilinearJvp =
  <P extends Prim>(f: (node: Node<P>, a: Tensor, b: Tensor) => Tensor): JvpRule<P> =>
  (node, [a, b], [da, db]) => {
    const y = reemit(node, [a, b]);
    const t = addOpt(da && f(node, da, b), db && f(node, a, db));
    return { primals: y, tangents: [t && toShape(t, y[0].shape)] };
  };

/** An elementwise function of x with derivative d(x, y): tangent d * x'. */
const chainJvp =
  <P extends Prim>(deriv: (node: Node<P>, x: Tensor, y: Tensor) => Deriv): JvpRule<P> =>
  (node, [x], [dx]) => {
    const y = reemit(node, [x]);
    return { primals: y, tangents: [scale(deriv(node, x, y[0]), dx)] };
  };

/** A derivative factor: a tensor, or the constants 0 and 1 that need no node. */
export type Deriv = Tensor | 0 | 1;

/** act^(k+1)(x), with the identically-constant cases (identity, relu beyond order 1) symbolic. */
export function nextDerivative(x: Tensor, act: Activation, order: number): Deriv {
  const k = order + 1;
  if (act === 'identity') return k === 1 ? 1 : 0;
  if (act === 'relu' && k >= 2) return 0;
  if (k > 3) throw new DerivativeOrderError(act, k);
  return activation(x, act, k as 1 | 2 | 3);
}

/** d * t with symbolic zeros and ones. */
export function scale(d: Deriv, t: Tensor | null): Tensor | null {
  if (t === null || d === 0) return null;
  return d === 1 ? t : mul(d, t);
}

/** sign(x) = [x > 0] - [x < 0]. */
export const sign = (x: Tensor): Tensor => sub(greater(x, 0), greater(0, x));

/** d/dx of each nonlinear unary op, from x and y = op(x) (neg is linear and has its own rule). */
export const unaryDerivative: { [op in Exclude<UnaryOp, 'neg'>]: (x: Tensor, y: Tensor) => Tensor } = {
  exp: (_x, y) => y, // d exp x = exp x
  log: (x) => div(1, x), // d log x = 1/x
  sqrt: (_x, y) => div(0.5, y), // d sqrt x = 1/(2 sqrt x)
  square: (x) => mul(2, x), // d x^2 = 2x
  recip: (_x, y) => neg(square(y)), // d 1/x = -1/x^2
  sin: (x) => cos(x),
  cos: (x) => neg(sin(x)),
  abs: (x) => sign(x),
};

export const jvpRules: { [P in Prim]: JvpRule<P> } = {
  [Prim.Input]: zeroJvp(),
  [Prim.Constant]: zeroJvp(),
  [Prim.Random]: zeroJvp(),
  [Prim.SampleData]: zeroJvp(),
  [Prim.Unary]: (node, xs, dots) =>
    node.params.op === 'neg'
      ? { primals: reemit(node, xs), tangents: [negOpt(dots[0])] }
      : chainJvp<Prim.Unary>((n, x, y) => unaryDerivative[n.params.op as Exclude<UnaryOp, 'neg'>](x, y))(
          node,
          xs,
          dots,
        ),
  // d act^(k)(x) = act^(k+1)(x) x'
  [Prim.Activation]: chainJvp((n, x) => nextDerivative(x, n.params.act, n.params.order)),
  [Prim.Binary]: (node, [a, b], [da, db]) => {
    const y = reemit(node, [a, b])[0];
    const out = (t: Tensor | null) => ({ primals: [y], tangents: [t && toShape(t, y.shape)] });
    switch (node.params.op) {
      case 'add':
        return out(addOpt(da, db));
      case 'sub':
        return out(addOpt(da, negOpt(db)));
      case 'mul': // (ab)' = a' b + a b'
        return out(addOpt(da && mul(da, b), db && mul(a, db)));
      case 'div': // (a/b)' = (a' - y b') / b
        return out(addOpt(da && div(da, b), db && neg(div(mul(y, db), b))));
      case 'max': // the derivative of the larger argument (b on ties)
        return out(select(greater(a, b), da ?? 0, db ?? 0));
      case 'min':
        return out(select(greater(b, a), da ?? 0, db ?? 0));
      case 'greater':
        return out(null);
    }
  },
  // where(c, a, b)' = where(c, a', b'); c has no derivative
  [Prim.Select]: (node, xs, [, da, db]) => {
    const y = reemit(node, xs)[0];
    const t = da === null && db === null ? null : toShape(select(xs[0], da ?? 0, db ?? 0), y.shape);
    return { primals: [y], tangents: [t] };
  },
  [Prim.ReduceSum]: linearJvp((n, [d]) => sum(d, n.params.axes, n.params.keepDims)),
  // max' = mean of x' over the positions that attain the max
  [Prim.ReduceMax]: (node, [x], [dx]) => {
    const y = reemit(node, [x])[0];
    const { axes, keepDims } = node.params;
    const mask = sub(1, greater(broadcastTo(reshape(y, keptShape(x.shape, axes)), x.shape), x));
    const t = div(sum(mul(dx!, mask), axes, keepDims), sum(mask, axes, keepDims));
    return { primals: [y], tangents: [t] };
  },
  [Prim.BroadcastTo]: linearJvp((n, [d]) => broadcastTo(d, n.params.shape)),
  [Prim.Reshape]: linearJvp((n, [d]) => reshape(d, n.params.shape)),
  [Prim.Concat]: linearJvp((n, ds) => concat(ds, n.params.axis)),
  [Prim.Slice]: linearJvp((n, [d]) => slice(d, n.params.axis, n.params.start, n.params.size)),
  [Prim.Matmul]: bilinearJvp((n, a, b) => matmul(a, b, n.params)),
  // y = act(pre), pre = x W^T + b: y' = act'(pre) (x' W^T + x W'^T + b'); x' rides in the fused DenseJvp
  [Prim.Dense]: (node, [x, w, b], [dx, dw, db]) => {
    const act = node.params.act;
    const [y, yx] = dx ? denseJvp(x, dx, w, b, act) : [reemit(node, [x, w, b])[0], null];
    const extra = addOpt(dw && matmul(x, dw, { transB: true }), db);
    if (extra === null) return { primals: [y], tangents: [yx] };
    const t = scale(nextDerivative(dense(x, w, b, 'identity'), act, 0), toShape(extra, y.shape));
    return { primals: [y], tangents: [addOpt(yx, t)] };
  },
  // y = act(pre), yd = act'(pre) q with q = xd W^T:
  // y' = act'(pre) pre',  yd' = act''(pre) pre' q + act'(pre) q',  pre' = x'W^T + xW'^T + b',  q' = xd'W^T + xd W'^T
  [Prim.DenseJvp]: (node, xs, dots) => {
    const [x, xd, w, b] = xs;
    const [dx, dxd, dw, db] = dots;
    const act = node.params.act;
    const [y, yd] = reemit(node, xs);
    const pre = dense(x, w, b, 'identity');
    const preDot = addOpt(
      addOpt(dx && matmul(dx, w, { transB: true }), dw && matmul(x, dw, { transB: true })),
      db,
    );
    const qDot = addOpt(dxd && matmul(dxd, w, { transB: true }), dw && matmul(xd, dw, { transB: true }));
    const fullPreDot = preDot && toShape(preDot, y.shape);
    const d2 = nextDerivative(pre, act, 1);
    const term1 = d2 === 0 ? null : scale(d2, fullPreDot && mul(fullPreDot, matmul(xd, w, { transB: true })));
    const term2 = scale(nextDerivative(pre, act, 0), qDot);
    return {
      primals: [y, yd],
      tangents: [scale(nextDerivative(pre, act, 0), fullPreDot), addOpt(term1, term2)],
    };
  },
  [Prim.StopGradient]: zeroJvp(),
  [Prim.Adam]: () => {
    throw new NotDifferentiableError(Prim.Adam, 'a tangent reached an optimizer update');
  },
};
