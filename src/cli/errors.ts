/** Errors of the command line. A UsageError is a mistake in the arguments: message, then exit code 2. */

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes: 0 done, 1 the run failed (diverged, device lost, ...), 2 bad arguments. */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
