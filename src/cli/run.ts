/**
 * The `scvi-ts` command: dispatches to a subcommand, prints help, and turns errors into exit
 * codes — 0 on success, 2 on a usage error, 1 on a failure (one line naming the cause; the
 * stack trace only with `--verbose`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { deSpec, runDe } from "./commands/de.js";
import { latentSpec, runLatent } from "./commands/latent.js";
import { runTrain, trainSpec } from "./commands/train.js";
import { UsageError } from "./errors.js";
import { processIo, type CliIo } from "./io.js";
import { commandHelp, parseCommand, type CommandSpec, type ParsedArgs } from "./options.js";

/** The program name in messages. */
export const PROGRAM = "scvi-ts";

interface Command {
  spec: CommandSpec;
  run(args: ParsedArgs, io: CliIo): Promise<void>;
}

const COMMANDS: readonly Command[] = [
  { spec: trainSpec, run: runTrain },
  { spec: latentSpec, run: runLatent },
  { spec: deSpec, run: runDe },
];

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The top-level `--help` text. */
export function topLevelHelp(): string {
  const w = Math.max(...COMMANDS.map((c) => c.spec.name.length));
  return [
    `Usage: ${PROGRAM} <command> [arguments] [options]`,
    "",
    "scVI (single-cell variational inference) on .h5ad files, in TypeScript on TensorFlow.js.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.spec.name.padEnd(w)}  ${c.spec.summary}`),
    "",
    "Options:",
    "  -h, --help     Show this help (or a command's: scvi-ts <command> --help).",
    "  -v, --version  Print the version.",
    "",
    "Exit codes: 0 success, 1 failure (e.g. a missing file or obs key), 2 usage error.",
    "",
  ].join("\n");
}

/** One line of an error message (multi-line library messages are joined). */
function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns the exit code.
 * Output goes to `io` (the process' streams by default).
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(["train", "data.h5ad", "--out", "model"]);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const verbose = argv.includes("--verbose");
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(topLevelHelp());
    return 2;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.out(topLevelHelp());
    return 0;
  }
  if (name === "--version" || name === "-v") {
    io.out(`${version()}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.spec.name === name);
  if (!command) {
    const what = name.startsWith("-") ? `unknown option '${name}'` : `unknown command '${name}'`;
    io.err(`${PROGRAM}: ${what} (commands: ${COMMANDS.map((c) => c.spec.name).join(", ")}; see ${PROGRAM} --help)\n`);
    return 2;
  }
  const prefix = `${PROGRAM} ${command.spec.name}`;
  try {
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      io.out(commandHelp(PROGRAM, command.spec));
      return 0;
    }
    await command.run(args, io);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`${prefix}: ${oneLine(err.message)} (see ${prefix} --help)\n`);
      if (verbose && err.stack) io.err(`${err.stack}\n`);
      return 2;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.err(`${prefix}: error: ${oneLine(e.message)}\n`);
    if (verbose) io.err(`${e.stack ?? e.message}\n`);
    return 1;
  }
}
