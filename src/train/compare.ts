/**
 * A comparison: 2 to 4 experiments (same data, seed and evaluation noise) trained side by side on ONE device
 * and one runtime (shared pipeline cache), interleaved fairly: round-robin turns of EQUAL step counts, each
 * member's turn timed alone (its steps are submitted, then its loss read-back awaited, so no other member's
 * work is in the queue) - steps/s and quality vs wall-clock count only the member's own GPU time. Every
 * `evalEvery` steps each member is scored against fresh data; evaluation round r uses the same fresh data
 * and noise seed for every member (evalSeed(seed, r)), so their numbers differ by the model only.
 */
import type { GpuContext } from '../engine/device.ts';
import { Runtime } from '../engine/runtime.ts';
import type { ExperimentConfig } from './config.ts';
import { DivergedError } from './errors.ts';
import type { QualityReport } from './session.ts';
import { createSession, type FlowSession } from './trainSession.ts';

export const COMPARE_EVAL_NFES: readonly number[] = [1, 2, 4, 8];

export interface CompareOptions {
  /** Steps per member per turn (the fairness unit). */
  chunk?: number;
  /** Score every member every this many steps (and at its end). */
  evalEvery?: number;
  /** Samples per evaluated set. */
  samples?: number;
  onProgress?: (line: string) => void;
}

/** One scoring of one member. */
export interface ComparePoint {
  step: number;
  /** The member's own training time so far (GPU wall-clock of its turns). */
  seconds: number;
  report: QualityReport;
}

export interface CompareRun {
  config: ExperimentConfig;
  history: ComparePoint[];
  stepsPerSecond: number;
  seconds: number;
  steps: number;
  /** Host copies of the final samples by NFE label, and of the final fresh data. */
  sets: Map<string, Float32Array>;
  data: Float32Array;
  diverged: string | null;
}

export async function runComparison(
  gpu: GpuContext,
  configs: readonly ExperimentConfig[],
  opts: CompareOptions = {},
): Promise<CompareRun[]> {
  const chunk = opts.chunk ?? 25;
  const samples = opts.samples ?? 2048;
  const rt = new Runtime(gpu);
  const sessions: FlowSession[] = [];
  try {
    for (const config of configs) sessions.push(await createSession(gpu, config, { runtime: rt }));
    const runs: CompareRun[] = sessions.map((s) => ({
      config: s.config,
      history: [],
      stepsPerSecond: 0,
      seconds: 0,
      steps: 0,
      sets: new Map(),
      data: new Float32Array(),
      diverged: null,
    }));
    const evalEvery =
      opts.evalEvery ?? Math.max(1, Math.ceil(Math.max(...sessions.map((s) => s.totalSteps)) / 8));
    const score = async (i: number) => {
      const ev = await sessions[i].evaluate(samples, COMPARE_EVAL_NFES, false);
      runs[i].history.push({ step: sessions[i].step, seconds: runs[i].seconds, report: ev.report });
      runs[i].sets = ev.sets;
      runs[i].data = ev.data;
    };
    // Compile every member's step before timing anything: the first turn would otherwise time compilation.
    for (const s of sessions) {
      s.run(1);
      await s.summary();
    }
    for (let i = 0; i < sessions.length; i++) runs[i].steps = sessions[i].step;
    const active = () => sessions.map((_, i) => i).filter((i) => !runs[i].diverged && !sessions[i].done);
    const nextEval = sessions.map(() => evalEvery);
    while (active().length > 0) {
      for (const i of active()) {
        const s = sessions[i];
        const k = Math.max(1, Math.min(chunk, s.totalSteps - s.step, nextEval[i] - s.step));
        const t0 = performance.now();
        s.run(k);
        const summary = await s.summary();
        runs[i].seconds += (performance.now() - t0) / 1000;
        runs[i].steps = s.step;
        if (summary.diverged) {
          runs[i].diverged = summary.message ?? new DivergedError(s.step, ['loss'], s.config.method).message;
          continue;
        }
        if (s.step >= nextEval[i] || s.done) {
          await score(i);
          nextEval[i] += evalEvery;
          const tv = runs[i].history.at(-1)!.report.metrics.gridTv;
          opts.onProgress?.(
            `  ${i + 1}. ${s.config.method}: step ${s.step}/${s.totalSteps}, grid TV NFE 1 ${tv['1']?.toFixed(3)}, NFE 8 ${tv['8']?.toFixed(3)}`,
          );
        }
      }
    }
    for (let i = 0; i < runs.length; i++) {
      if (runs[i].history.at(-1)?.step !== sessions[i].step) await score(i);
      runs[i].stepsPerSecond = runs[i].seconds > 0 ? (runs[i].steps - 1) / runs[i].seconds : 0;
    }
    return runs;
  } finally {
    for (const s of sessions) s.dispose();
  }
}
