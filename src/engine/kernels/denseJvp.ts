/** The fused forward-mode dense layer (shaders/denseJvp.wgsl): primal and tangent in one pass over W. */
import code from '../../../shaders/denseJvp.wgsl?raw';
import rowsCode from '../../../shaders/denseJvpRows.wgsl?raw';
import { ACTIVATION_IDS, type EngineActivation } from '../activations.ts';
import type { Dispatch, Runtime, View } from '../runtime.ts';
import { ceilDiv, need } from './common.ts';
import { defaultTile, specializeRows, tilePipeline, type MatmulTile, type RowsBlock } from './matmul.ts';

export const DENSE_JVP = { name: 'denseJvp', code };

/** The row-broadcast denseJvp's source for a register block (array sizes must be WGSL constants). */
export const denseJvpRowsKernel = (rows: number, groups: number) =>
  specializeRows('denseJvpRows', rowsCode, rows, groups);

/** Two accumulators per output (primal and tangent): half the matmul's rows keep the same registers. */
export function denseJvpRows(block: RowsBlock): RowsBlock {
  return { ...block, rows: Math.max(1, block.rows / 2) };
}

export interface DenseJvpArgs {
  /** [batch, inF] */
  x: View;
  /** [batch, inF]: the tangent of x. */
  xDot: View;
  /** [outF, inF] (PyTorch layout). */
  w: View;
  /** [outF] */
  b: View;
  /** [batch, outF] */
  y: View;
  /** [batch, outF] */
  yDot: View;
  /** [batch, outF]: optional pre-activation output (for the backward pass). */
  pre?: View;
  batch: number;
  inF: number;
  outF: number;
  act: EngineActivation;
  tile?: MatmulTile;
}

export function denseJvpDispatch(rt: Runtime, args: DenseJvpArgs): Dispatch {
  const { batch, inF, outF } = args;
  // two A tiles share workgroup memory with one B tile: keep the matmul's tile but halve its depth if needed
  const base = args.tile ?? defaultTile(rt, batch, outF, inF);
  const tile = { ...base };
  while (tile.bk > 1 && 16 * tile.bk * (2 * tile.wgM + tile.wgN) > 16384) tile.bk /= 2;
  const k = 'denseJvp';
  const views = [
    need(k, 'x', args.x, batch * inF),
    need(k, 'xDot', args.xDot, batch * inF),
    need(k, 'w', args.w, outF * inF),
    need(k, 'b', args.b, outF),
    need(k, 'y', args.y, batch * outF),
    need(k, 'yDot', args.yDot, batch * outF),
    args.pre ? need(k, 'pre', args.pre, batch * outF) : rt.placeholder(0),
  ];
  const rows = tile.stage || !tile.rows ? undefined : args.tile ? tile.rows : denseJvpRows(tile.rows);
  const epilogue = { ACT: ACTIVATION_IDS[args.act], WRITE_PRE: Boolean(args.pre) };
  const pipeline = tilePipeline(rt, DENSE_JVP, denseJvpRowsKernel, tile, rows, epilogue);
  const uniform = rt.uniform(new Uint32Array([batch, outF, inF, 0]));
  const label = `denseJvp ${batch}x${inF}->${outF} ${args.act}`;
  return {
    label,
    pipeline,
    bindGroup: rt.bindGroup(label, pipeline, views, uniform),
    workgroups: rows
      ? [ceilDiv(outF, 4 * rows.groups * rows.wg), ceilDiv(batch, rows.rows), 1]
      : [ceilDiv(outF, 4 * tile.wgN), ceilDiv(batch, 4 * tile.wgM), 1],
    uniform,
  };
}
