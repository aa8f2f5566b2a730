/** Small helpers shared by the kernel modules. */
import { ViewError } from '../errors.ts';
import type { View } from '../runtime.ts';

export const ceilDiv = (a: number, b: number) => Math.ceil(a / b);
export const nextPow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** Throws ViewError unless `view` holds at least `count` f32 values. */
export function need(kernel: string, name: string, view: View, count: number): View {
  if (view.size < count * 4)
    throw new ViewError(`${kernel}: ${name} holds ${view.size / 4} values, needs ${count}`);
  return view;
}

/** Workgroup counts for `groups` workgroups along x, spilling into y past the 65535 limit. */
export function grid(groups: number): [number, number, number] {
  const x = Math.min(Math.max(groups, 1), 65535);
  return [x, Math.ceil(Math.max(groups, 1) / x), 1];
}
