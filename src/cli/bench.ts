/**
 * `npm run bench`: prints the adapter and every section's figures; `--json FILE` writes them as records.
 * Exits with status 1 if the tiled matmul is not at least 4x the naive one on 1024x256x256 (A.B).
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { BENCH_SECTIONS, type BenchRecord } from '../bench/index.ts';
import { acquireGpu } from '../engine/device.ts';
import { Runtime } from '../engine/runtime.ts';

const program = new Command()
  .name('bench')
  .description('FlowMap Lab engine benchmark')
  .option('--json <file>', 'write every figure as JSON records')
  .option('--quick', 'fewer shapes and repetitions')
  .option('--sections <names>', `comma-separated subset of: ${BENCH_SECTIONS.map((s) => s.name).join(', ')}`)
  .parse();
const opts = program.opts<{ json?: string; quick?: boolean; sections?: string }>();

const ctx = await acquireGpu();
console.log(ctx.adapter.line);
const rt = new Runtime(ctx);
const wanted = opts.sections?.split(',').map((s) => s.trim());
const records: BenchRecord[] = [];
for (const section of BENCH_SECTIONS) {
  if (wanted && !wanted.includes(section.name)) continue;
  console.log(`\n[${section.name}]`);
  records.push(...(await section.run(rt, { quick: Boolean(opts.quick), log: (l) => console.log(l) })));
}
const gate = records.find(
  (r) => r.name === 'matmul' && r.variant === 'tiled/naive A.B' && r.shape === '1024x256x256',
);
if (gate) {
  const ok = gate.value >= 4;
  console.log(
    `\ntiled vs naive on 1024x256x256: ${gate.value.toFixed(1)}x (target >= 4x): ${ok ? 'OK' : 'BELOW TARGET'}`,
  );
  if (!ok) process.exitCode = 1;
}
if (opts.json) {
  writeFileSync(opts.json, JSON.stringify(records, null, 2));
  console.log(`wrote ${records.length} records to ${opts.json}`);
}
ctx.destroy();
