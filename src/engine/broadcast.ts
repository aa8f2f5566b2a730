/** numpy broadcasting for the elementwise kernels, rank <= 4 (shapes padded with 1s on the left). */
import { ViewError } from './errors.ts';

export type Shape = readonly number[];

export const sizeOf = (shape: Shape) => shape.reduce((a, b) => a * b, 1);

export function pad4(shape: Shape): [number, number, number, number] {
  if (shape.length > 4)
    throw new ViewError(`shape [${shape.join(', ')}] has rank ${shape.length}, the kernels take rank <= 4`);
  const s = [1, 1, 1, 1, ...shape].slice(-4);
  return [s[0], s[1], s[2], s[3]];
}

export function broadcastShapes(...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    let size = 1;
    for (const s of shapes) {
      const x = s[s.length - rank + d] ?? 1;
      if (x !== 1 && size !== 1 && x !== size)
        throw new ViewError(
          `shapes ${shapes.map((s) => `[${s.join(', ')}]`).join(' and ')} do not broadcast`,
        );
      if (x !== 1) size = x;
    }
    out.push(size);
  }
  return out;
}

/** Strides of a row-major tensor of `shape` in the index space of `out` (rank-4 padded), 0 where broadcast. */
export function broadcastStrides(shape: Shape, out: Shape): [number, number, number, number] {
  const s = pad4(shape);
  const o = pad4(out);
  const strides: [number, number, number, number] = [0, 0, 0, 0];
  let acc = 1;
  for (let d = 3; d >= 0; d--) {
    strides[d] = s[d] === 1 && o[d] !== 1 ? 0 : acc;
    acc *= s[d];
  }
  return strides;
}
