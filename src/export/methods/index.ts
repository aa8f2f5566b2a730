/**
 * The methods that export to PyTorch: one file each, holding the Python of that method's losses.
 * A new method adds its file here (one line); the rest of the script is shared.
 */
import type { MethodExporter } from './exporter.ts';
import { dmdExport } from './dmd.ts';
import { flowmapExport } from './flowmap.ts';
import { fmExport } from './fm.ts';
import { freeflowExport } from './freeflow.ts';
import { meanflowExport } from './meanflow.ts';
import { meanflowDistillExport } from './meanflowDistill.ts';
import { mfmExport } from './mfm.ts';
import { tmdExport } from './tmd.ts';
import { tvmExport } from './tvm.ts';

export type { MethodExporter } from './exporter.ts';

export const METHOD_EXPORTERS: readonly MethodExporter[] = [
  fmExport,
  flowmapExport,
  meanflowExport,
  meanflowDistillExport,
  tvmExport,
  freeflowExport,
  dmdExport,
  tmdExport,
  mfmExport,
];
