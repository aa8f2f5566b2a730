/**
 * The graph: nodes of primitives with static shapes (f32 on the device, float64 on the CPU oracle).
 * A node may have several outputs (DenseJvp, Adam); a Tensor names one output of one node.
 * Nodes are immutable and created only through `emit` (ops.ts, and the rules of transformations).
 */
import { Prim, type PrimParams, type Shape } from './prims.ts';

let nextId = 0;

export class Node<P extends Prim = Prim> {
  readonly id = nextId++;
  readonly outputs: Tensor[];
  constructor(
    readonly prim: P,
    readonly params: PrimParams[P],
    readonly inputs: readonly Tensor[],
    outShapes: readonly Shape[],
  ) {
    this.outputs = outShapes.map((s, i) => new Tensor(this, i, s));
  }
}

export class Tensor {
  constructor(
    readonly node: Node,
    readonly index: number,
    readonly shape: Shape,
  ) {}
  get size(): number {
    return sizeOf(this.shape);
  }
  get rank(): number {
    return this.shape.length;
  }
  toString(): string {
    return `%${this.node.id}${this.node.outputs.length > 1 ? `.${this.index}` : ''}:${this.node.prim}[${this.shape.join(',')}]`;
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Creates a node; the only way nodes come into being. */
export function emit<P extends Prim>(
  prim: P,
  params: PrimParams[P],
  inputs: readonly Tensor[],
  outShapes: readonly Shape[],
): Tensor[] {
  return new Node(prim, params, inputs, outShapes).outputs;
}

/** Every node that `roots` depend on, inputs before users (a topological order). */
export function topoSort(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<number>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (seen.has(r.node.id)) continue;
    seen.add(r.node.id);
    stack.push([r.node, 0]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const child = node.inputs[i].node;
        if (!seen.has(child.id)) {
          seen.add(child.id);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order;
}

/** The named inputs a graph reads, by name. */
export function graphInputs(roots: readonly Tensor[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const n of topoSort(roots)) {
    if (n.prim === Prim.Input) out.set((n.params as PrimParams[Prim.Input]).name, n.outputs[0]);
  }
  return out;
}
