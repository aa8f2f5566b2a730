/**
 * The `flowmap-lab` command: train, eval, loss, list. The same engine as the playground, on WebGPU in
 * Node. Bad arguments print what is wrong and exit with code 2; a failed run exits with 1.
 */
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../train/config.ts';
import { CheckpointError, SafetensorsDtypeError, SafetensorsFormatError } from '../train/checkpoint/index.ts';
import { TeacherUnavailableError } from '../train/errors.ts';
import { UnknownMethodError, MethodParamsError } from '../methods/index.ts';
import { NoAdapterError } from '../engine/index.ts';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './errors.ts';
import { nfeList, positiveInt, seedInt } from './parse.ts';
import { trainCommand } from './commands/train.ts';
import { evalCommand } from './commands/evaluate.ts';
import { lossCommand } from './commands/loss.ts';
import { listText } from './commands/list.ts';
import { resultsCommand, type Budget } from './results.ts';

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
    .option('--out <dir>', 'output folder', 'runs/latest')
    .option('--samples <n>', 'samples per evaluated set', positiveInt(200_000), 4096)
    .addOption(
      new Option('--nfe <list>', 'NFEs to evaluate').argParser(nfeList()).default([1, 2, 4, 8], '1,2,4,8'),
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
    .action((o: { out: string; methods?: string[]; datasets?: string[] } & Partial<Budget>) => {
      const { out, methods, datasets, ...budget } = o;
      run(resultsCommand({ out, methods, datasets, budget }));
    });

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
