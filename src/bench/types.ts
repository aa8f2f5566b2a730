/** What a benchmark section returns: one record per figure, written as JSON with `--json FILE`. */
import type { Runtime } from '../engine/runtime.ts';

export interface BenchRecord {
  name: string;
  variant: string;
  shape: string;
  value: number;
  unit: string;
  adapter: string;
}

export interface BenchOptions {
  /** Fewer shapes and repetitions (a smoke run). */
  quick: boolean;
  /** Print progress lines. */
  log: (line: string) => void;
}

/** A named part of the benchmark; the graph compiler adds a "training step" section the same way. */
export interface BenchSection {
  name: string;
  run(rt: Runtime, opts: BenchOptions): Promise<BenchRecord[]>;
}
