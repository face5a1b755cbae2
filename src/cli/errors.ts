/**
 * The two kinds of error the `scvi-ts` command reports: a usage error (exit code 2: unknown
 * option, missing argument, bad number) and a failure of the task itself (exit code 1).
 *
 * @module
 */

/** A mistake in the command line: reported with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A failure with a message meant for the user as it is (missing file, bad data): exit code 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
