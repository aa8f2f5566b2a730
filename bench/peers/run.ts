/**
 * npm run bench:peers [-- --json FILE --markdown FILE --batches 256,1024,4096 --kinds fm,meanflow,tvm
 *                        --impls ours,jax-js,TF.js --quick --adapter]
 * The same training steps (problem.ts) in our engine, jax-js and TF.js, on the same WebGPU adapter in
 * this process; each checked against the float64 reference loss before it is timed. One adapter per
 * run: lavapipe by default, SwiftShader with VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { Command } from 'commander';
import { positiveInt } from '../../src/cli/parse.ts';
import { installNodeGpu } from './gpuSetup.ts';
import { jaxPeer } from './jaxPeer.ts';
import { tfPeer } from './tfPeer.ts';
import { ours, oursNaive } from './ours.ts';
import { measureInTurns, scheduleFor } from './measure.ts';
import { profileOurs } from './profile.ts';
import { initialWeights, makeBatch, STEP_KINDS, type StepKind } from './problem.ts';
import { referenceLoss, toNet64 } from './reference.ts';
import { consoleTable, markdown, records, type Row } from './report.ts';
import type { Implementation } from './step.ts';

const IMPLS: Implementation[] = [ours, oursNaive, jaxPeer, tfPeer];
const DEFAULT_IMPLS = [ours, jaxPeer, tfPeer].map((i) => i.name).join(',');

const program = new Command()
  .name('bench:peers')
  .option('--json <file>', 'write records {name, variant, shape, value, unit, adapter}')
  .option('--markdown <file>', 'write the markdown table (for docs/benchmarks.md)')
  .option('--batches <list>', 'batch sizes', '256,1024,4096')
  .option('--kinds <list>', 'steps: fm, meanflow, tvm', STEP_KINDS.join(','))
  .option('--impls <list>', `implementations: ${IMPLS.map((i) => i.name).join(', ')}`, DEFAULT_IMPLS)
  .option('--quick', 'one warm-up, two repetitions of one step (a smoke run)')
  .option('--adapter', 'print the adapter every implementation gets, then exit')
  .option('--profile', 'after the table, time each of our dispatches alone at every batch and kind')
  .option('--steps-per-rep <n>', 'steps enqueued per timed repetition (a fast GPU wants more)', positiveInt())
  .option('--reps <n>', 'timed repetitions', positiveInt())
  .parse();
const opts = program.opts<{
  json?: string;
  markdown?: string;
  batches: string;
  kinds: string;
  impls: string;
  quick?: boolean;
  adapter?: boolean;
  stepsPerRep?: number;
  reps?: number;
  profile?: boolean;
}>();
const scheduleOverrides = {
  ...(opts.stepsPerRep !== undefined && { stepsPerRep: opts.stepsPerRep }),
  ...(opts.reps !== undefined && { reps: opts.reps }),
};

const loadAtStart = loadavg()[0];
const adapter = await installNodeGpu();
console.log(adapter.line);
if (opts.adapter) process.exit(0);

const batches = opts.batches.split(',').map(Number);
const kinds = opts.kinds.split(',') as StepKind[];
const chosen = IMPLS.filter((i) => opts.impls.split(',').includes(i.name));
const weights = initialWeights();
const net64 = toNet64(weights);
const rows: Row[] = [];
let failed = false;

for (const size of batches) {
  const batch = makeBatch(size);
  for (const kind of kinds) {
    const ref = referenceLoss(kind, net64, batch);
    const runnable: Implementation[] = [];
    const skipped: Row[] = [];
    for (const impl of chosen) {
      const why = impl.unsupported(kind);
      if (why) skipped.push({ impl: impl.name, kind, batch: size, reason: why });
      else runnable.push(impl);
    }
    process.stderr.write(`${kind} batch ${size}: checking ${runnable.map((i) => i.name).join(', ')} ... `);
    const results = await measureInTurns(
      runnable,
      kind,
      batch,
      weights,
      ref,
      { ...scheduleFor(size, Boolean(opts.quick)), ...scheduleOverrides },
      (impl, err) => process.stderr.write(`${impl.name} ${err ? err.name : 'ok'} `),
    );
    process.stderr.write('\n');
    results.forEach((m, i) => {
      const impl = runnable[i];
      if (!(m instanceof Error)) {
        rows.push(m);
        process.stderr.write(`  ${impl.name}: ${m.median.toFixed(2)} steps/s\n`);
        return;
      }
      failed = true;
      console.error(m.message);
      rows.push({ impl: impl.name, kind, batch: size, reason: `${m.name}: ${m.message.slice(0, 120)}` });
    });
    rows.push(...skipped); // rows that could not run come after the measured ones
  }
}

/** The package's version, from the repository's node_modules or the one beside a bundle. */
const versionOf = (pkg: string) => {
  const where = [`../../node_modules/${pkg}/package.json`, `./node_modules/${pkg}/package.json`];
  const url = where.map((w) => new URL(w, import.meta.url)).find((u) => existsSync(u));
  if (!url) return `${pkg} (version unknown)`;
  return `${pkg} ${(JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version}`;
};
const versions = [
  versionOf('@jax-js/jax'),
  versionOf('@tensorflow/tfjs'),
  versionOf('@tensorflow/tfjs-backend-webgpu'),
  versionOf('webgpu'),
];
console.log(consoleTable(rows));
const load = `${loadAtStart.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`;
console.log(`CPU load average (1 min) at start and end: ${load}`);
const date = new Date().toISOString();
const md = markdown(rows, { adapter: adapter.line, versions, date, node: process.version, load });
if (opts.markdown) writeFileSync(opts.markdown, md + '\n');
if (opts.json) writeFileSync(opts.json, JSON.stringify(records(rows, adapter.line), null, 2) + '\n');
if (opts.profile) {
  for (const size of batches)
    for (const kind of kinds) console.log(await profileOurs(kind, makeBatch(size), weights));
}
process.exit(failed ? 1 : 0);
