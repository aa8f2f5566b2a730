/**
 * The `flowmap-lab` command: train, eval, loss, posterior, guide, results, list. The same engine as the playground, on WebGPU in
 * Node. Bad arguments print what is wrong and exit with code 2; a failed run exits with 1.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../train/config.ts';
import { CheckpointError, SafetensorsDtypeError, SafetensorsFormatError } from '../train/checkpoint/index.ts';
import { TeacherUnavailableError } from '../train/errors.ts';
import { UnknownMethodError, MethodParamsError } from '../methods/index.ts';
import { NoAdapterError } from '../engine/index.ts';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.ts';
import { floorDraws, nfeList, nonNegative, positiveInt, seedInt } from './parse.ts';
import { MAX_FLOOR_DRAWS } from '../train/floorSpread.ts';
import { trainCommand } from './commands/train.ts';
import { evalCommand } from './commands/evaluate.ts';
import { lossCommand } from './commands/loss.ts';
import { exportCommand } from './commands/export.ts';
import { ExportUnsupportedError } from '../export/index.ts';
import { guideCommand, posteriorCommand } from './commands/mfm.ts';
import { compareCommand } from './commands/compare.ts';
import { listText } from './commands/list.ts';
import { resultsCommand, type Budget } from './results.ts';
import { RESULT_SUITES } from './resultRecipes.ts';
import { mfmResultsCommand } from './resultsMfm.ts';
import { cfgResultsCommand } from './resultsCfg.ts';

export function buildProgram(run: (code: Promise<number>) => void): Command {
  const program = new Command('flowmap-lab')
    .description(
      'Train and evaluate 2-D generative flows and flow maps on WebGPU (the FlowMap Lab engine, headless).',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  program
    .command('train')
    .description(
      'train an experiment; writes checkpoint.safetensors, metrics.json, samples-nfe{1,2,4}.csv, data.csv, samples.png',
    )
    .option('--preset <name>', 'a preset id (see `flowmap-lab list`)')
    .option('--config <file.json>', 'an experiment config as JSON')
    .option('--url <hash>', "a playground link or its hash, e.g. '#v=1&method=meanflow&dataset=moons'")
    .option('--steps <n>', 'training steps (of the student stage)', positiveInt(1_000_000))
    .option('--teacher-steps <n>', "steps of a trained teacher's stage", positiveInt(1_000_000))
    .option('--seed <s>', 'random seed', seedInt())
    .option('--data <file.csv>', "train on your own points: a CSV of x,y rows (dataset 'points')")
    .option('--jitter <std>', 'Gaussian jitter around each point of --data (default 0.1)', nonNegative(1))
    .option('--out <dir>', 'output folder', 'runs/latest')
    .option('--samples <n>', 'samples per evaluated set', positiveInt(200_000), 4096)
    .addOption(
      new Option('--nfe <list>', 'NFEs to evaluate').argParser(nfeList()).default([1, 2, 4, 8], '1,2,4,8'),
    )
    .option(
      '--floor-draws <k>',
      "the data floor's smallest..largest over k independent data-vs-data draws (0: one draw only)",
      floorDraws(MAX_FLOOR_DRAWS),
      8,
    )
    .option('--quiet', 'no progress bar')
    .action((o) => run(trainCommand(o)));

  program
    .command('eval')
    .description("score a checkpoint's samples at each NFE against fresh data, beside the data-vs-data floor")
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors written by train')
    .addOption(
      new Option('--nfe <list>', 'NFEs to evaluate').argParser(nfeList()).default([1, 2, 4, 8], '1,2,4,8'),
    )
    .option('--samples <n>', 'samples per evaluated set', positiveInt(200_000), 4096)
    .option('--seed <s>', 'seed of the noise and of the fresh data', seedInt())
    .option('--out <dir>', 'also write the samples (CSV) and a PNG here')
    .option(
      '--floor-draws <k>',
      "the data floor's smallest..largest over k independent data-vs-data draws (0: one draw only)",
      floorDraws(MAX_FLOOR_DRAWS),
      8,
    )
    .option(
      '--class <k>',
      'labelled checkpoints: samples of class k only, scored against its data (-1: all)',
      (t: string) => Number(t),
    )
    .option('--cfg <w>', 'labelled checkpoints: guidance scale w of the guided samplers', (t: string) =>
      Number(t),
    )
    .action((o) => run(evalCommand(o)));

  program
    .command('loss')
    .description(
      "the method's loss terms and gradients on a given batch (to check against your own code; docs/checking.md)",
    )
    .requiredOption('--checkpoint <file>', 'checkpoint.safetensors (parameters and config)')
    .requiredOption(
      '--batch <file>',
      'safetensors with the batch: data, random.0, random.1, ... (docs/checking.md)',
    )
    .option('--out <file>', 'write loss terms and grad.<parameter> tensors as safetensors')
    .option('--allow-nonfinite', 'compute even with NaN/Inf values or uniforms outside [0, 1) in the batch')
    .action((o) => run(lossCommand(o)));

  program
    .command('export')
    .description('write one self-contained PyTorch training script (DDP via torchrun) for an experiment')
    .option('--url <hash>', "a playground link or its hash, e.g. '#v=1&method=meanflow&dataset=moons'")
    .option('--checkpoint <file>', 'a checkpoint.safetensors: its config is exported')
    .option('--out <file>', 'the Python file to write', 'train.py')
    .action((o) => run(exportCommand(o)));

  program
    .command('posterior')
    .description(
      'one-step Meta Flow Map samples of p(x_0 | x_t) at a point; grid TV and energy distance to the exact posterior (Gaussian-mixture data)',
    )
    .requiredOption('--checkpoint <file>', 'an mfm checkpoint.safetensors written by train')
    .requiredOption('--t <T>', 'the time of x_t, from 0 (data) to 1 (noise)')
    .requiredOption('--at <X,Y>', 'the point x_t')
    .option('--samples <n>', 'posterior samples', positiveInt(1_000_000), 4096)
    .option('--out <file.csv>', 'write the samples as CSV (header x,y)')
    .action((o) => run(posteriorCommand(o)));

  program
    .command('guide')
    .description(
      'reward-guided samples (Meta Flow Map estimators or DPS); sliced W2 and MMD to the exact tilted target (Gaussian-mixture data)',
    )
    .requiredOption('--checkpoint <file>', 'an mfm checkpoint.safetensors written by train')
    .requiredOption('--reward <spec>', "'linear:A1,A2:Y:SIGMA': r(x) = log N(Y; A . x, SIGMA^2)")
    .option('--estimator <name>', 'iwae | sne | dps', 'iwae')
    .option('--mc <n>', 'Monte Carlo posterior samples N per point (iwae, sne)', positiveInt(4096), 8)
    .option('--samples <n>', 'guided samples M', positiveInt(1_000_000), 4096)
    .option('--out <file.csv>', 'write the samples as CSV (header x,y)')
    .action((o) => run(guideCommand(o)));

  program
    .command('compare')
    .description(
      'train a playground comparison (2-4 methods, same data, seed and evaluation noise) on one device; writes summary.md/json, CSVs, compare.png',
    )
    .requiredOption(
      '--url <hash>',
      "a compare link or its hash, e.g. '#dataset=moons&compare=meanflow,tvm,freeflow'",
    )
    .option('--out <dir>', 'output folder', 'runs/compare')
    .option('--samples <n>', 'samples per evaluated set', positiveInt(200_000), 2048)
    .action((o) => run(compareCommand(o)));

  program
    .command('results')
    .description(
      'train every method on 8gaussians, moons and checkerboard at the stated budget and write docs/results.md',
    )
    .option('--out <dir>', 'folder of results.md and results/*.png', 'docs')
    .option(
      '--methods <list>',
      'only these recipes or methods (comma-separated; see docs/results.md)',
      (t: string) => t.split(','),
    )
    .option('--datasets <list>', 'only these datasets (comma-separated)', (t: string) => t.split(','))
    .option('--width <n>', 'hidden width (default: the stated budget)', positiveInt(4096))
    .option('--depth <n>', 'hidden layers', positiveInt(16))
    .option('--batch <n>', 'batch size', positiveInt(65536))
    .option('--steps <n>', 'training steps per method (student stage)', positiveInt())
    .option('--teacher-steps <n>', "a distillation method's teacher steps", positiveInt())
    .option('--samples <n>', 'samples per evaluated set (cfg suite: per class)', positiveInt(200_000))
    .addOption(
      new Option(
        '--suite <name>',
        'methods: FM and the trajectory family (docs/results.md); distribution: DMD2, DMD, VSD, TMD (docs/results-distribution.md); reward: Meta Flow Maps posterior and reward guidance (docs/results-mfm.md); cfg: the guidance mismatch (docs/results-cfg.md); all: every page',
      )
        .choices(['methods', 'distribution', 'reward', 'cfg', 'all'])
        .default('methods'),
    )
    .action(
      (o: { out: string; methods?: string[]; datasets?: string[]; suite: string } & Partial<Budget>) => {
        const { out, methods, datasets, suite, ...budget } = o;
        run(resultsSuites({ out, methods, datasets, suite, budget }));
      },
    );

  program
    .command('list')
    .description('presets, methods and datasets')
    .action(() => {
      console.log(listText());
      run(Promise.resolve(0));
    });
  return program;
}

/** Errors that mean the user asked for something impossible: exit code 2 with the message. */
const USAGE_ERRORS = [
  UsageError,
  ConfigError,
  UnknownMethodError,
  MethodParamsError,
  CheckpointError,
  SafetensorsFormatError,
  SafetensorsDtypeError,
  TeacherUnavailableError,
  ExportUnsupportedError,
];

export function exitCodeOf(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_USAGE;
  if (USAGE_ERRORS.some((c) => e instanceof c)) return EXIT_USAGE;
  return EXIT_FAILED;
}

/** A usage error is one line: what is wrong, where, and what to do. */
const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

export async function main(argv: string[]): Promise<number> {
  let pending: Promise<number> = Promise.resolve(0);
  const program = buildProgram((p) => (pending = p));
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    return await pending;
  } catch (e) {
    const code = exitCodeOf(e);
    if (!(e instanceof CommanderError))
      console.error(e instanceof NoAdapterError || code === EXIT_USAGE ? oneLine((e as Error).message) : e);
    return code;
  }
}

const isEntry = process.argv[1] !== undefined && /flowmap-lab(\.m?js)?$|main\.ts$/.test(process.argv[1]);
if (isEntry) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}

/** `results --suite S`: one page, or every page in turn (`all`, what `npm run results` runs). */
async function resultsSuites(o: {
  out: string;
  methods?: string[];
  datasets?: string[];
  suite: string;
  budget: Partial<Budget>;
}): Promise<number> {
  const { out, methods, datasets, suite, budget } = o;
  if (suite === 'all' && (methods || datasets))
    throw new UsageError(
      '--methods and --datasets choose within one suite: add --suite methods or --suite distribution',
    );
  if (suite === 'reward') return mfmResultsCommand({ out, budget });
  if (suite === 'cfg') return cfgResultsCommand({ out, budget });
  if (suite === 'methods' || suite === 'distribution')
    return resultsCommand({ out, methods, datasets, budget, suite: RESULT_SUITES[suite] });
  for (const s of ['methods', 'distribution'] as const) {
    const rc = await resultsCommand({ out, budget, suite: RESULT_SUITES[s] });
    if (rc) return rc;
  }
  return (await mfmResultsCommand({ out, budget })) || cfgResultsCommand({ out, budget });
}
