/**
 * GFLOP/s of the tiled matmul on MLP shapes in the three training layouts, next to the naive kernel and,
 * where the adapter uses the row-broadcast kernel, next to the 4x4 register-blocked direct kernel.
 */
import { chooseTile, defaultTile, matmulDispatch, matmulNaiveDispatch } from '../engine/kernels/matmul.ts';
import type { Runtime } from '../engine/runtime.ts';
import { calibrate, median, timeDispatches } from './timing.ts';
import type { BenchOptions, BenchRecord, BenchSection } from './types.ts';

/** [M, N, K] and the role of the product in a training step. */
const SHAPES: [number, number, number, string][] = [
  [1024, 256, 256, 'hidden layer'],
  [4096, 256, 3, 'first layer (K = 3)'],
  [256, 256, 256, 'hidden layer, small batch'],
  [4096, 256, 256, 'hidden layer, large batch'],
  [4096, 2, 256, 'last layer (N = 2)'],
  [1024, 512, 512, 'wide hidden layer'],
  [256, 256, 4096, 'weight gradient (K = batch)'],
];
const QUICK = SHAPES.slice(0, 2);
const LAYOUTS = [
  { name: 'A.B', transA: false, transB: false },
  { name: 'A^T.B', transA: true, transB: false },
  { name: 'A.B^T', transA: false, transB: true },
] as const;

export const matmulSection: BenchSection = {
  name: 'matmul',
  async run(rt: Runtime, opts: BenchOptions): Promise<BenchRecord[]> {
    const records: BenchRecord[] = [];
    const adapter = rt.ctx.adapter.line;
    for (const [m, n, k, role] of opts.quick ? QUICK : SHAPES) {
      const [a, b, c] = rt.arena([m * k, k * n, m * n]);
      rt.upload(
        Float32Array.from({ length: m * k }, (_, i) => Math.sin(i)),
        a,
      );
      rt.upload(
        Float32Array.from({ length: k * n }, (_, i) => Math.cos(i)),
        b,
      );
      const gflop = (2 * m * n * k) / 1e9;
      const shape = `${m}x${n}x${k}`;
      for (const layout of opts.quick ? LAYOUTS.slice(0, 1) : LAYOUTS) {
        const args = { a, b, c, m, n, k, transA: layout.transA, transB: layout.transB };
        const row: Record<string, number> = {};
        const variants = [
          ['tiled', matmulDispatch(rt, args)],
          ['naive', matmulNaiveDispatch(rt, args)],
        ] as const;
        const others = defaultTile(rt, m, n, k).rows
          ? ([['direct 4x4', matmulDispatch(rt, { ...args, tile: chooseTile(m, n, k, false) })]] as const)
          : [];
        // variants timed in turns, so that a change of machine load hits all of them alike
        const all = [...variants, ...others];
        const inner = await Promise.all(all.map(([, d]) => calibrate(rt, [d], 60, 50)));
        const times: number[][] = all.map(() => []);
        for (let rep = 0; rep < (opts.quick ? 3 : 5); rep++) {
          for (let i = 0; i < all.length; i++) {
            const d = all[i][1];
            times[i].push(
              await timeDispatches(rt, [d], { warmup: rep === 0 ? 1 : 0, reps: 1, inner: inner[i] }),
            );
          }
        }
        for (let i = 0; i < all.length; i++) {
          const variant = all[i][0];
          row[variant] = gflop / (median(times[i]) / 1e3);
          records.push({
            name: 'matmul',
            variant: `${variant} ${layout.name}`,
            shape,
            value: row[variant],
            unit: 'GFLOP/s',
            adapter,
          });
        }
        const ratio = row.tiled / row.naive;
        records.push({
          name: 'matmul',
          variant: `tiled/naive ${layout.name}`,
          shape,
          value: ratio,
          unit: 'x',
          adapter,
        });
        const old = row['direct 4x4'];
        opts.log(
          `  ${shape.padEnd(14)} ${layout.name.padEnd(6)} tiled ${row.tiled.toFixed(2).padStart(7)}  naive ${row.naive.toFixed(2).padStart(7)} GFLOP/s  ${ratio.toFixed(1)}x` +
            `${old ? `  direct 4x4 ${old.toFixed(2).padStart(6)} (tiled ${(row.tiled / old).toFixed(2)}x)` : ''}  (${role})`,
        );
      }
      rt.release(a.buffer);
    }
    return records;
  },
};
