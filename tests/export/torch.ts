/**
 * Helpers of the export tests: Debian's PyTorch (a failing test, never a skip, when it is missing), a
 * lab checkpoint and a loss-check batch for a config, and the lab's own loss terms and gradients on
 * them (the graph of `flowmap-lab loss`, evaluated in float64 by the CPU executor).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCpu } from '../../src/autodiff/index.ts';
import { sampleReference } from '../../src/data/index.ts';
import { normalAt, uniformAt } from '../../src/engine/cpu/philox.ts';
import { exportScript } from '../../src/export/index.ts';
import { methodById, resolveParams } from '../../src/methods/index.ts';
import {
  decodeSafetensors,
  encodeCheckpoint,
  encodeSafetensors,
  type SafeTensor,
} from '../../src/train/checkpoint/index.ts';
import { resolveExperiment, type ExperimentInput } from '../../src/train/config.ts';
import { lossCheckGraph } from '../../src/train/lossCheck.ts';
import { parameterShapes } from '../../src/train/parameters.ts';
import { planStages } from '../../src/train/plan.ts';
import { initialStateValues } from '../../src/train/state.ts';

export const PYTHON = '/usr/bin/python3';

/** Throws (the test fails) with how to install PyTorch when /usr/bin/python3 cannot import torch. */
export function requireTorch(): void {
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(
      `PyTorch is missing for ${PYTHON} (${(r.stderr || String(r.error)).trim().split('\n').pop()}): ` +
        'run `sudo bash scripts/setup-system.sh` (installs Debian python3-torch) or `apt-get install -y python3-torch`.',
    );
}

/** Runs the exported script; throws with its output when it fails. */
export function python(args: string[], opts: { cwd?: string; timeout?: number } = {}): string {
  const r = spawnSync(PYTHON, args, {
    encoding: 'utf8',
    cwd: opts.cwd,
    timeout: opts.timeout ?? 120_000,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  if (r.status !== 0)
    throw new Error(`${PYTHON} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

export interface LossCase {
  dir: string;
  script: string;
  checkpoint: string;
  batch: string;
  /** Output name (loss, loss.<term>, grad.<parameter>) -> the lab's float64 values. */
  want: Map<string, Float64Array>;
}

/**
 * Writes the exported script, a checkpoint of the config's seeded networks (with the teacher when
 * `withTeacher`) and a batch of the tensors `flowmap-lab loss` asks for; evaluates the lab's loss graph.
 */
export function lossCase(input: ExperimentInput, withTeacher: boolean, stageName?: string): LossCase {
  const config = resolveExperiment(input);
  const method = methodById(config.method);
  const params = resolveParams(method, config.params);
  const dir = mkdtempSync(join(tmpdir(), `fml-export-${config.method}-`));
  const script = join(dir, 'train.py');
  writeFileSync(script, exportScript(config));

  const shapes = parameterShapes(method, config);
  // seeded networks, each moved a little its own way: copies (FreeFlow's fake of the teacher, TVM's
  // target of the student) would otherwise be equal and hide terms that vanish when they are
  const values = initialStateValues(method, config);
  Object.entries(values).forEach(([name, v], k) => {
    for (let i = 0; i < v.length; i++) v[i] += 0.05 * Math.sin(1.7 * i + 3.1 * k + name.length);
  });
  const kept = Object.keys(values).filter(
    (k) => withTeacher || stageName === 'teacher' || !k.startsWith('teacher.'),
  );
  const params32 = new Map(kept.map((k) => [k, { shape: shapes[k], data: values[k] }]));
  const checkpoint = join(dir, 'checkpoint.safetensors');
  writeFileSync(checkpoint, encodeCheckpoint(params32, config));

  const plan = planStages(method, config, params, { teacherLoaded: withTeacher });
  const last = stageName ? plan.find((p) => p.stage.name === stageName)! : plan[plan.length - 1];
  const g = lossCheckGraph(method, config, params, last.stage, last.teacher);
  const feeds: Record<string, Float64Array> = { ...g.feeds };
  for (const [k, p] of params32) feeds[k] = Float64Array.from(p.data);
  const tensors = new Map<string, SafeTensor>();
  g.batch.forEach((b, k) => {
    const n = b.shape.reduce((p, d) => p * d, 1);
    // labels: one-hot classes in turn, with every fifth row the null class (zeros)
    const data =
      b.dist === 'data'
        ? sampleReference(config.dataset, b.shape[0], 9, 3)
        : b.dist === 'label'
          ? Float64Array.from({ length: n }, (_, i) => {
              const [row, c] = [Math.floor(i / b.shape[1]), i % b.shape[1]];
              return row % 5 !== 4 && (3 * row) % b.shape[1] === c ? 1 : 0;
            })
          : Float64Array.from({ length: n }, (_, i) =>
              b.dist === 'normal' ? normalAt(9, 40 + k, 0, i) : uniformAt(9, 40 + k, 0, i),
            );
    feeds[b.name] = data;
    tensors.set(b.name, { dtype: 'F64', shape: [...b.shape], data });
  });
  const batch = join(dir, 'batch.safetensors');
  writeFileSync(batch, encodeSafetensors(tensors));
  const names = Object.keys(g.outputs);
  const got = evalCpu(
    names.map((n) => g.outputs[n]),
    feeds,
    { seed: config.seed, step: 0 },
  );
  return { dir, script, checkpoint, batch, want: new Map(names.map((n, i) => [n, got[i]])) };
}

/** The largest difference relative to the tensor's largest magnitude, per output. */
export function relativeErrors(
  want: Map<string, Float64Array>,
  got: Map<string, Float32Array | Float64Array>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, w] of want) {
    const g = got.get(name);
    if (!g || g.length !== w.length) {
      out[name] = Infinity;
      continue;
    }
    const scale = Math.max(1e-8, ...w.map(Math.abs));
    let worst = 0;
    for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(g[i] - w[i]) / scale);
    out[name] = worst;
  }
  return out;
}

export interface CheckCase {
  name: string;
  config: ExperimentInput;
  teacher: boolean;
  /** The stage to check (default the last). */
  stage?: string;
}

/**
 * Exports and checks every case: the first through the script's own command line, the rest in one
 * Python process (one torch import). Returns each case's lab values and the script's output file.
 */
export function runLossChecks(cases: CheckCase[]): Map<string, { k: LossCase; out: string }> {
  requireTorch();
  const runs = new Map<string, { k: LossCase; out: string; stage?: string }>();
  for (const c of cases) {
    const k = lossCase(c.config, c.teacher, c.stage);
    runs.set(c.name, { k, out: join(k.dir, 'grads.safetensors'), stage: c.stage });
  }
  const [first, ...rest] = [...runs.values()];
  const stage = first.stage ? ['--stage', first.stage] : [];
  const log = python([
    first.k.script,
    '--loss-check',
    first.k.batch,
    '--init',
    first.k.checkpoint,
    '--loss-out',
    first.out,
    ...stage,
  ]);
  if (!/^loss = /m.test(log)) throw new Error(`--loss-check printed no loss:\n${log}`);
  const jobs = rest.map(({ k, out, stage: st }) => [k.script, k.batch, k.checkpoint, out, st ?? null]);
  python([join(import.meta.dirname, 'runChecks.py'), JSON.stringify(jobs)]);
  return runs;
}

/** The script's output against the lab's values: the same names, no vanishing term, every tensor to `tol`. */
export function compareLossCheck(run: { k: LossCase; out: string }, tol = 1e-4): number {
  const got = new Map(
    [...decodeSafetensors(readFileSync(run.out)).tensors].map(([n, t]) => [n, t.data as Float64Array]),
  );
  const want = run.k.want;
  const names = (m: Map<string, unknown>) => [...m.keys()].sort().join(' ');
  if (names(got) !== names(want)) throw new Error(`outputs differ: got ${names(got)}, want ${names(want)}`);
  for (const [name, w] of want)
    if (name.includes('loss.') && !(Math.abs(w[0]) > 1e-8)) throw new Error(`${name} vanishes: ${w[0]}`);
  const errors = relativeErrors(want, got);
  const bad = Object.entries(errors).filter(([, e]) => !(e < tol));
  if (bad.length) throw new Error(`over ${tol}: ${bad.map(([n, e]) => `${n} ${e}`).join(', ')}`);
  return Math.max(...Object.values(errors));
}
