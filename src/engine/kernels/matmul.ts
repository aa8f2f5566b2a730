/** The tiled matmul with its fused epilogue (shaders/matmul.wgsl) and the naive one for the benchmark. */
import code from '../../../shaders/matmul.wgsl?raw';
import naiveCode from '../../../shaders/matmulNaive.wgsl?raw';
import rowsCode from '../../../shaders/matmulRows.wgsl?raw';
import longKCode from '../../../shaders/matmulLongK.wgsl?raw';
import { ACTIVATION_IDS, type EngineActivation } from '../activations.ts';
import type { Constants, Dispatch, Runtime, View } from '../runtime.ts';
import type { KernelSource } from '../shaderSource.ts';
import { ceilDiv, need, nextPow2 } from './common.ts';

export const MATMUL = { name: 'matmul', code };
export const MATMUL_NAIVE = { name: 'matmulNaive', code: naiveCode };
export const MATMUL_LONG_K = { name: 'matmulLongK', code: longKCode };

/** Workgroup shape: a thread computes 4x4 outputs, a workgroup (4 wgM) x (4 wgN), K staged bk at a time. */
export interface MatmulTile {
  wgM: number;
  wgN: number;
  bk: number;
  /** Stage K slices in workgroup memory (GPUs) or read operands directly (CPU drivers). */
  stage: boolean;
  /**
   * Direct loads only: run shaders/matmulRows.wgsl instead, where a workgroup owns `rows` rows of C
   * and `wg` invocations along N compute `groups` x 4 columns each (wgM, wgN and bk are then unused).
   */
  rows?: RowsBlock;
  /** Direct loads only: a thread's 4 columns lie wgN apart, so neighbouring threads read neighbouring columns. */
  interleave?: boolean;
  /**
   * Run shaders/matmulLongK.wgsl instead: a workgroup per 4x4 block of C, its `longK` invocations
   * splitting K (a power of two). For small outputs with long K on GPUs (see prefersLongK).
   */
  longK?: number;
}

/**
 * GPUs: a small output with a long K (the first and last layers' weight gradients, K = batch, and
 * the last layer's N = 2) goes to the split-K kernel. The tiled kernel gives it a few workgroups that
 * each walk all of K; the H200 profile of a training step (docs/benchmarks.md) found the two such
 * products at batch 1024 taking 2 of its 3 ms.
 */
export const prefersLongK = (m: number, n: number, k: number): boolean =>
  k >= 128 && ceilDiv(m, 4) * ceilDiv(n, 4) <= 1024;

/** The register block of the row-broadcast kernel: rows x (4 groups) outputs per invocation. */
export interface RowsBlock {
  rows: number;
  groups: number;
  wg: number;
}

/** A row-broadcast kernel's source with its block size written in (ROWS and GROUPS size its registers). */
export function specializeRows(name: string, source: string, rows: number, groups: number): KernelSource {
  const code = source
    .replace(/const ROWS: u32 = \d+u;/, `const ROWS: u32 = ${rows}u;`)
    .replace(/const GROUPS: u32 = \d+u;/, `const GROUPS: u32 = ${groups}u;`);
  return { name: `${name}_r${rows}g${groups}`, code };
}

export const rowsKernel = (rows: number, groups: number) =>
  specializeRows('matmulRows', rowsCode, rows, groups);

/**
 * The pipeline of a matmul-shaped kernel (matmul, denseJvp): its row-broadcast variant when `rows` is set,
 * else the tiled kernel with the tile's overrides. `epilogue` holds the kernel's own overrides.
 */
export function tilePipeline(
  rt: Runtime,
  tiled: KernelSource,
  rowsVariant: (rows: number, groups: number) => KernelSource,
  tile: MatmulTile,
  rows: RowsBlock | undefined,
  epilogue: Constants,
): GPUComputePipeline {
  return rows
    ? rt.pipeline(rowsVariant(rows.rows, rows.groups), 7, true, { ...epilogue, WG: rows.wg })
    : rt.pipeline(tiled, 7, true, {
        ...epilogue,
        WG_M: tile.wgM,
        WG_N: tile.wgN,
        BK: tile.bk,
        STAGE: tile.stage,
        INTERLEAVE: Boolean(tile.interleave),
      });
}

/**
 * The row-broadcast block for an output of N columns: 16 rows x 8 columns per invocation where N
 * fills it (measured fastest on lavapipe at 1024x256x256 in all layouts), fewer columns when N is
 * narrow. Below 16 columns the register-blocked direct kernel keeps lanes busier.
 */
export function chooseRows(n: number): RowsBlock | undefined {
  if (n < 16) return undefined;
  const groups = n >= 64 ? 2 : 1;
  const wg = Math.min(64, nextPow2(ceilDiv(n, 4 * groups)));
  return { rows: 16, groups, wg };
}

export interface MatmulArgs {
  /** [m, k], or [k, m] when transA. */
  a: View;
  /** [k, n], or [n, k] when transB. */
  b: View;
  /** [m, n] output. */
  c: View;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  /** [n], added before the activation. */
  bias?: View;
  act?: EngineActivation;
  /** [m, n]: also store the pre-activation. */
  pre?: View;
  /** On load, A := A * act'(p) with p in A's layout: fuses the backward `dpre = dy * act'(pre)`. */
  gate?: { p: View; act: EngineActivation };
  /** [m]: rowsum[i] = sum_k opA(A)[i, k] (after gating): the bias gradient next to the weight gradient. */
  rowsum?: View;
  /** C += result (and rowsum += its sum) instead of C = result. */
  accumulate?: boolean;
  tile?: MatmulTile;
}

/**
 * The tile for a shape: 64x64 tiles in general; narrow tiles when N or M is small (the last layer's
 * N = 2, the weight gradient's M = out), and a shallow K slice when K is small (the first layer's K = 3..8).
 * `rows`: direct loads through the row-broadcast kernel where N is wide enough (see chooseRows).
 */
export function chooseTile(
  m: number,
  n: number,
  k: number,
  stage = true,
  rows = false,
  interleave = false,
): MatmulTile {
  const bk = k <= 4 ? 4 : k <= 8 ? 8 : 16;
  let wgN = Math.min(16, nextPow2(ceilDiv(n, 4)));
  let wgM = Math.min(16, nextPow2(ceilDiv(m, 4)));
  // Give narrow outputs more rows (or columns) per workgroup, within 256 threads and 16 KiB of tiles.
  while (wgM * wgN < 256 && wgM < 64 && 4 * wgM < m && bk * 4 * (2 * wgM + wgN) * 4 <= 16384) wgM *= 2;
  while (wgM * wgN < 256 && wgN < 64 && 4 * wgN < n && bk * 4 * (wgM + 2 * wgN) * 4 <= 16384) wgN *= 2;
  const block = stage || !rows ? undefined : chooseRows(n);
  if (block) return { wgM, wgN, bk, stage, rows: block };
  return interleave && !stage ? { wgM, wgN, bk, stage, interleave } : { wgM, wgN, bk, stage };
}

/** Workgroup-memory staging pays on GPUs; on CPU drivers (lavapipe, SwiftShader) direct loads win. */
export const stagesByDefault = (rt: Runtime) => rt.ctx.adapter.kind === 'hardware';

/**
 * The row-broadcast kernel pays on lavapipe (1.6-2x the 4x4 direct kernel at 1024x256x256) but not on
 * SwiftShader, where it measured 2-4x slower than the 4x4 direct kernel at 256x256x256.
 */
export const broadcastsRowsByDefault = (rt: Runtime) => rt.ctx.adapter.kind === 'lavapipe';

/**
 * Interleaved columns pay on SwiftShader, which loads lane-consecutive addresses as one vector
 * (256x256x256 under load: 0.39-0.44 vs 0.23-0.25 GFLOP/s for 4 adjacent columns per thread).
 */
export const interleavesByDefault = (rt: Runtime) => rt.ctx.adapter.kind === 'swiftshader';

/** The adapter's default tile for a shape. */
export const defaultTile = (rt: Runtime, m: number, n: number, k: number): MatmulTile =>
  chooseTile(m, n, k, stagesByDefault(rt), broadcastsRowsByDefault(rt), interleavesByDefault(rt));

/** The matmul's default: the split-K kernel for small outputs with long K on GPUs, else defaultTile. */
export const defaultMatmulTile = (rt: Runtime, m: number, n: number, k: number): MatmulTile => {
  const tile = defaultTile(rt, m, n, k);
  return tile.stage && prefersLongK(m, n, k) ? { ...tile, longK: 128 } : tile;
};

export function matmulDispatch(rt: Runtime, args: MatmulArgs): Dispatch {
  const { m, n, k } = args;
  const tA = Boolean(args.transA);
  const tB = Boolean(args.transB);
  const tile = args.tile ?? defaultMatmulTile(rt, m, n, k);
  need('matmul', 'a', args.a, m * k);
  need('matmul', 'b', args.b, k * n);
  need('matmul', 'c', args.c, m * n);
  if (args.bias) need('matmul', 'bias', args.bias, n);
  if (args.pre) need('matmul', 'pre', args.pre, m * n);
  if (args.gate) need('matmul', 'gate', args.gate.p, m * k);
  if (args.rowsum) need('matmul', 'rowsum', args.rowsum, m);
  const epilogue = {
    TRANS_A: tA,
    TRANS_B: tB,
    HAS_BIAS: Boolean(args.bias),
    ACT: ACTIVATION_IDS[args.act ?? 'identity'],
    WRITE_PRE: Boolean(args.pre),
    GATE_A: Boolean(args.gate),
    GATE_ACT: ACTIVATION_IDS[args.gate?.act ?? 'identity'],
    ROWSUM: Boolean(args.rowsum),
    ACCUMULATE: Boolean(args.accumulate),
  };
  const rows = tile.stage || tile.longK ? undefined : tile.rows;
  const pipeline = tile.longK
    ? rt.pipeline(MATMUL_LONG_K, 7, true, { ...epilogue, WG: tile.longK })
    : tilePipeline(rt, MATMUL, rowsKernel, tile, rows, epilogue);
  const uniform = rt.uniform(new Uint32Array([m, n, k, 0]));
  const ph = (i: number) => rt.placeholder(i);
  const views = [
    args.a,
    args.b,
    args.bias ?? ph(0),
    args.gate?.p ?? ph(1),
    args.c,
    args.pre ?? ph(2),
    args.rowsum ?? ph(3),
  ];
  const label = `matmul ${m}x${n}x${k}${tA ? ' A^T' : ''}${tB ? ' B^T' : ''}`;
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: tile.longK
      ? [ceilDiv(n, 4), ceilDiv(m, 4), 1]
      : rows
        ? [ceilDiv(n, 4 * rows.groups * rows.wg), ceilDiv(m, rows.rows), 1]
        : [ceilDiv(n, 4 * tile.wgN), ceilDiv(m, 4 * tile.wgM), 1],
    uniform,
  };
}

export interface MatmulNaiveArgs {
  a: View;
  b: View;
  c: View;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
}

export function matmulNaiveDispatch(rt: Runtime, args: MatmulNaiveArgs): Dispatch {
  const { m, n, k } = args;
  const pipeline = rt.pipeline(MATMUL_NAIVE, 3, true, {
    TRANS_A: Boolean(args.transA),
    TRANS_B: Boolean(args.transB),
  });
  const uniform = rt.uniform(new Uint32Array([m, n, k, 0]));
  const label = `matmulNaive ${m}x${n}x${k}`;
  const views = [
    need('matmulNaive', 'a', args.a, m * k),
    need('matmulNaive', 'b', args.b, k * n),
    need('matmulNaive', 'c', args.c, m * n),
  ];
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: [ceilDiv(n, 16), ceilDiv(m, 16), 1],
    uniform,
  };
}
