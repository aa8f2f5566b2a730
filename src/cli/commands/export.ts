/**
 * `flowmap-lab export`: one self-contained PyTorch training script for an experiment given by a
 * playground link or a checkpoint (its config), docs/export.md.
 */
import { writeFileSync } from 'node:fs';
import { exportScript } from '../../export/index.ts';
import type { ExperimentConfig } from '../../train/config.ts';
import { resolveConfig } from '../configSource.ts';
import { UsageError } from '../errors.ts';
import { readCheckpoint } from './evaluate.ts';

export interface ExportFlags {
  url?: string;
  checkpoint?: string;
  out: string;
}

export function exportCommand(flags: ExportFlags): Promise<number> {
  if ((flags.url === undefined) === (flags.checkpoint === undefined))
    throw new UsageError(
      "Give exactly one of --url 'HASH' (a playground link) or --checkpoint FILE (its config is exported).",
    );
  let config: ExperimentConfig;
  if (flags.checkpoint !== undefined) config = readCheckpoint(flags.checkpoint).config;
  else {
    const r = resolveConfig({ url: flags.url });
    for (const w of r.warnings) console.error(`ignored: ${w}`);
    config = r.config;
  }
  const script = exportScript(config);
  try {
    writeFileSync(flags.out, script);
  } catch (e) {
    throw new UsageError(`Cannot write --out ${flags.out}: ${(e as Error).message}.`);
  }
  console.error(`Wrote ${flags.out}: ${config.method} on ${config.dataset} (python ${flags.out} --help)`);
  return Promise.resolve(0);
}
