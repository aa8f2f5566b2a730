/**
 * The files a run leaves in its output folder: checkpoint.safetensors (PyTorch names, config in the
 * metadata), metrics.json, samples-nfe{k}.csv, data.csv and samples.png (data beside each NFE).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInfo } from '../data/index.ts';
import { encodeCheckpoint, type Parameter } from '../train/checkpoint/index.ts';
import type { ExperimentConfig } from '../train/config.ts';
import type { QualityReport } from '../train/session.ts';
import { samplesToCsv } from './output/csv.ts';
import { DATA_COLOR, scatterPng, type ScatterPanel } from './output/scatterPng.ts';

export interface RunRecord {
  config: ExperimentConfig;
  source: string;
  adapter: string;
  steps: number;
  seconds: number;
  stepsPerSecond: number;
  dispatchesPerStep: number;
  stages: { name: string; steps: number }[];
  finalLosses: Record<string, number>;
  report: QualityReport;
}

export function metricsJson(r: RunRecord): string {
  return (
    JSON.stringify(
      {
        config: r.config,
        source: r.source,
        adapter: r.adapter,
        steps: r.steps,
        seconds: round(r.seconds),
        steps_per_second: round(r.stepsPerSecond),
        dispatches_per_step: r.dispatchesPerStep,
        stages: r.stages,
        final_losses: r.finalLosses,
        samples: r.report.samples,
        metrics: r.report.metrics,
        floor: r.report.floor,
        ...(r.report.floorRange && { floor_range: r.report.floorRange }),
      },
      null,
      2,
    ) + '\n'
  );
}

const round = (v: number) => Math.round(v * 1000) / 1000;

export function writeCheckpoint(
  path: string,
  params: Map<string, Float32Array>,
  shapes: Record<string, number[]>,
  config: ExperimentConfig,
  extra: Record<string, string>,
): void {
  const out = new Map<string, Parameter>();
  for (const [name, data] of params) out.set(name, { shape: shapes[name] ?? [data.length], data });
  writeFileSync(path, encodeCheckpoint(out, config, extra));
}

/** CSVs of the data and of the samples at each NFE in `csvNfes`, and the scatter PNG of all sets. */
export function writeSamples(
  dir: string,
  dataset: string,
  data: Float32Array,
  sets: Map<string, Float32Array>,
  csvNfes: readonly number[],
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, content: string | Uint8Array) => {
    writeFileSync(join(dir, name), content);
    written.push(name);
  };
  put('data.csv', samplesToCsv(data));
  for (const k of csvNfes) {
    const s = sets.get(String(k));
    if (s) put(`samples-nfe${k}.csv`, samplesToCsv(s));
  }
  const panels: ScatterPanel[] = [{ title: 'data', points: data, color: DATA_COLOR }];
  for (const [label, points] of sets)
    panels.push({ title: label === 'teacher' ? 'teacher' : `NFE ${label}`, points });
  put('samples.png', scatterPng(panels, { box: datasetInfo(dataset).box, size: 280 }));
  return written;
}
