/**
 * `flowmap-lab compare --url 'HASH' [--out DIR]`: the playground's comparison (src/state/compareUrl.ts) in
 * Node: every member trained on one device, interleaved in equal-step turns (src/train/compare.ts), then
 * summary.md and summary.json (per member: grid TV at NFE 1/2/4/8, energy, steps/s, beside the data floor),
 * quality-m<i>.csv (the history: step, own seconds, grid TV and energy per NFE), samples-m<i>.csv at the
 * link's NFE, data.csv, and compare.png with a panel per member.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetInfo } from '../../data/index.ts';
import { acquireGpu } from '../../engine/index.ts';
import { METHODS } from '../../methods/index.ts';
import { decodeCompare, MIN_MEMBERS } from '../../state/compareUrl.ts';
import { COMPARE_EVAL_NFES, runComparison, type CompareRun } from '../../train/compare.ts';
import { datasetOf } from '../../train/config.ts';
import { UsageError } from '../errors.ts';
import { samplesToCsv } from '../output/csv.ts';
import { DATA_COLOR, MODEL_COLOR, scatterPng } from '../output/scatterPng.ts';
import { fmtNum, markdownTable, textTable } from '../output/table.ts';

export interface CompareFlags {
  url: string;
  out: string;
  samples: number;
}

/** The summary table: one row per member. */
export function summaryRows(entries: string[], runs: CompareRun[]): string[][] {
  const rows = [
    [
      'member',
      'method',
      'steps',
      ...COMPARE_EVAL_NFES.map((k) => `TV NFE ${k}`),
      ...COMPARE_EVAL_NFES.map((k) => `energy NFE ${k}`),
      'steps/s',
    ],
  ];
  runs.forEach((r, i) => {
    const m = r.history.at(-1)!.report.metrics;
    rows.push([
      `${i + 1}. ${entries[i]}`,
      r.config.method,
      String(r.steps),
      ...COMPARE_EVAL_NFES.map((k) => fmtNum(m.gridTv[String(k)])),
      ...COMPARE_EVAL_NFES.map((k) => fmtNum(m.energy[String(k)])),
      r.stepsPerSecond.toFixed(1),
    ]);
  });
  const floor = runs[0].history.at(-1)!.report.floor;
  rows.push([
    'data floor',
    '',
    '',
    ...COMPARE_EVAL_NFES.map(() => fmtNum(floor.gridTv)),
    ...COMPARE_EVAL_NFES.map(() => fmtNum(floor.energy)),
    '',
  ]);
  return rows;
}

function historyCsv(r: CompareRun): string {
  const cols = COMPARE_EVAL_NFES.flatMap((k) => [`tv_nfe${k}`, `energy_nfe${k}`]);
  const lines = [['step', 'seconds', ...cols, 'floor_tv', 'floor_energy'].join(',')];
  for (const p of r.history) {
    const m = p.report.metrics;
    const vals = COMPARE_EVAL_NFES.flatMap((k) => [m.gridTv[String(k)], m.energy[String(k)]]);
    lines.push(
      [
        p.step,
        p.seconds.toFixed(3),
        ...vals.map((v) => v.toPrecision(5)),
        p.report.floor.gridTv.toPrecision(5),
        p.report.floor.energy.toPrecision(5),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function compareCommand(flags: CompareFlags): Promise<number> {
  const hash = flags.url.includes('#') ? flags.url.slice(flags.url.indexOf('#') + 1) : flags.url;
  const c = decodeCompare(hash, (id) => METHODS.find((m) => m.id === id)?.schema);
  for (const line of c.ignored) console.error(`ignored from the link: ${line}`);
  if (c.members.length < MIN_MEMBERS)
    throw new UsageError(
      `--url needs a comparison of 2 to 4 members, e.g. '#dataset=moons&compare=meanflow,tvm,freeflow'; this one has ${c.members.length}.`,
    );
  const entries = c.members.map((m) => m.entry);
  const gpu = await acquireGpu();
  console.error(gpu.adapter.line);
  console.error(
    `Comparing ${entries.join(', ')} on ${c.base.dataset} (seed ${c.base.seed}), equal-step turns on one device`,
  );
  try {
    const runs = await runComparison(
      gpu,
      c.members.map((m) => m.config),
      { samples: flags.samples, onProgress: (l) => console.error(l) },
    );
    const rows = summaryRows(entries, runs);
    console.log(textTable(rows));
    mkdirSync(flags.out, { recursive: true });
    const written: string[] = [];
    const put = (name: string, content: string | Uint8Array) => {
      writeFileSync(join(flags.out, name), content);
      written.push(name);
    };
    put(
      'summary.md',
      `# Comparison\n\n\`#${hash}\`\n\n${markdownTable(rows)}\n\nGrid TV and energy distance against fresh data (${flags.samples} samples; the same data and noise for every member); steps/s over each member's own turns.\n`,
    );
    put(
      'summary.json',
      `${JSON.stringify(
        {
          link: `#${hash}`,
          adapter: gpu.adapter.line,
          nfe: c.nfe,
          floor: runs[0].history.at(-1)!.report.floor,
          members: runs.map((r, i) => ({
            entry: entries[i],
            method: r.config.method,
            steps: r.steps,
            seconds: r.seconds,
            steps_per_second: r.stepsPerSecond,
            diverged: r.diverged,
            metrics: r.history.at(-1)!.report.metrics,
            history: r.history.map((p) => ({ step: p.step, seconds: p.seconds, metrics: p.report.metrics })),
          })),
        },
        null,
        2,
      )}\n`,
    );
    put('data.csv', samplesToCsv(runs[0].data));
    const panels = [{ title: 'data', points: runs[0].data, color: DATA_COLOR }];
    runs.forEach((r, i) => {
      put(`quality-m${i + 1}.csv`, historyCsv(r));
      const s = r.sets.get(String(c.nfe)) ?? new Float32Array();
      put(`samples-m${i + 1}.csv`, samplesToCsv(s));
      panels.push({ title: `${entries[i]} NFE ${c.nfe}`, points: s, color: MODEL_COLOR });
    });
    put('compare.png', scatterPng(panels, { box: datasetInfo(datasetOf(c.base)).box, size: 240 }));
    console.error(`Wrote ${written.map((f) => join(flags.out, f)).join(', ')}`);
    return runs.some((r) => r.diverged) ? 1 : 0;
  } finally {
    gpu.destroy();
  }
}
