/**
 * Command-line options of the `scvi-ts` subcommands: one table per command gives both the
 * `node:util` `parseArgs` configuration and the `--help` text, and typed readers turn option
 * strings into numbers and choices with usage errors that name the option.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/** One option of a command. */
export interface OptionSpec {
  /** `string` options take a value, `boolean` options are flags. */
  type: "string" | "boolean";
  /** One line for `--help`. */
  description: string;
  /** The value's placeholder in `--help` (e.g. `N`, `KEY`). */
  valueName?: string;
  /** The allowed values, checked when the option is read with {@link choiceOption}. */
  choices?: readonly string[];
  /** The default as shown in `--help`. */
  defaultText?: string;
  /** Whether the option must be given. */
  required?: boolean;
  /** A one-letter alias. */
  short?: string;
}

/** A positional argument of a command. */
export interface PositionalSpec {
  /** Its placeholder, e.g. `in.h5ad`. */
  name: string;
  /** One line for `--help`. */
  description: string;
}

/** What a command declares: its positionals and options. */
export interface CommandSpec {
  /** The subcommand name. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** Extra paragraphs for the command's help (outputs, examples). */
  details?: string;
  /** Positional arguments, in order (all required). */
  positionals: readonly PositionalSpec[];
  /** Options by long name (without `--`). */
  options: Readonly<Record<string, OptionSpec>>;
}

/** Options every command has. */
export const COMMON_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  help: { type: "boolean", short: "h", description: "Show this help and exit." },
  verbose: { type: "boolean", description: "On failure, print the stack trace too." },
};

/** Parsed command line: option values (strings or booleans) and positionals. */
export interface ParsedArgs {
  /** Option values by long name; absent when not given. */
  values: Record<string, string | boolean | undefined>;
  /** Positional arguments, by their placeholder names. */
  positionals: Record<string, string>;
  /** Whether `--help` was given (then nothing else was checked). */
  help: boolean;
}

function allOptions(spec: CommandSpec): Record<string, OptionSpec> {
  return { ...spec.options, ...COMMON_OPTIONS };
}

/**
 * Parses `argv` (the words after the subcommand) against `spec`: unknown options, options
 * without their value, extra or missing positionals and missing required options are
 * {@link UsageError}s naming the culprit.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const options = allOptions(spec);
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const [name, o] of Object.entries(options)) config[name] = { type: o.type, ...(o.short ? { short: o.short } : {}) };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, allowPositionals: true, strict: true }) as typeof parsed;
  } catch (err) {
    throw new UsageError(parseArgsMessage(err as Error & { code?: string }));
  }
  if (parsed.values.help === true) return { values: parsed.values, positionals: {}, help: true };
  const names = spec.positionals.map((p) => p.name);
  if (parsed.positionals.length < names.length) {
    const missing = names.slice(parsed.positionals.length).map((n) => `<${n}>`);
    throw new UsageError(`missing argument${missing.length > 1 ? "s" : ""} ${missing.join(" ")}`);
  }
  if (parsed.positionals.length > names.length) {
    throw new UsageError(`unexpected argument '${parsed.positionals[names.length]}'`);
  }
  for (const [name, o] of Object.entries(spec.options)) {
    if (o.required && parsed.values[name] === undefined) throw new UsageError(`missing required option --${name} <${o.valueName ?? "VALUE"}>`);
  }
  const positionals: Record<string, string> = {};
  names.forEach((n, i) => (positionals[n] = parsed.positionals[i]!));
  return { values: parsed.values, positionals, help: false };
}

/** parseArgs' error messages, shortened to one line that names the option. */
function parseArgsMessage(err: Error & { code?: string }): string {
  const text = err.message.split("\n")[0]!;
  switch (err.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const m = /Unknown option '([^']+)'/.exec(text);
      return `unknown option '${m ? m[1] : text}'`;
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE": {
      const m = /Option '(?:-\w, )?(--[\w-]+)/.exec(text);
      if (!m) return text;
      if (/argument missing/.test(text)) return `option ${m[1]} needs a value`;
      if (/ambiguous/.test(text)) return `option ${m[1]} needs a value (for a value starting with '-', write ${m[1]}=VALUE)`;
      if (/does not take an argument/.test(text)) return `option ${m[1]} is a flag and takes no value`;
      return text;
    }
    default:
      return text;
  }
}

/** A string option's value, or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === "string" ? v : undefined;
}

/** A flag's value (false when absent). */
export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** An integer option within [min, max], or undefined when absent; otherwise a usage error naming it. */
export function intOption(args: ParsedArgs, name: string, range: { min?: number; max?: number } = {}): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const v = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  const { min, max } = range;
  if (!Number.isSafeInteger(v) || (min !== undefined && v < min) || (max !== undefined && v > max)) {
    const want = min !== undefined && max !== undefined ? `an integer in ${min}..${max}` : min === 1 ? "a positive integer" : min !== undefined ? `an integer ≥ ${min}` : "an integer";
    throw new UsageError(`--${name} must be ${want}, got '${raw}'`);
  }
  return v;
}

/** A finite number option, optionally strictly positive, or undefined; otherwise a usage error. */
export function numberOption(args: ParsedArgs, name: string, range: { positive?: boolean } = {}): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const v = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(v) || (range.positive && v <= 0)) {
    throw new UsageError(`--${name} must be a ${range.positive ? "positive " : ""}number, got '${raw}'`);
  }
  return v;
}

/** A choice option (checked against the spec's `choices`), or undefined; otherwise a usage error. */
export function choiceOption<T extends string>(spec: CommandSpec, args: ParsedArgs, name: string): T | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const choices = spec.options[name]?.choices ?? [];
  if (!choices.includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${raw}'`);
  return raw as T;
}

/** The `--help` text of a command. */
export function commandHelp(program: string, spec: CommandSpec): string {
  const options = allOptions(spec);
  const required = Object.entries(spec.options)
    .filter(([, o]) => o.required)
    .map(([n, o]) => `--${n} <${o.valueName ?? "VALUE"}>`);
  const usage = [`${program} ${spec.name}`, ...spec.positionals.map((p) => `<${p.name}>`), ...required, "[options]"].join(" ");
  const lines = [`Usage: ${usage}`, "", spec.summary, ""];
  if (spec.positionals.length) {
    lines.push("Arguments:");
    const w = Math.max(...spec.positionals.map((p) => p.name.length + 2));
    for (const p of spec.positionals) lines.push(`  ${`<${p.name}>`.padEnd(w)}  ${p.description}`);
    lines.push("");
  }
  lines.push("Options:");
  const left = Object.entries(options).map(([n, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${n}${o.type === "string" ? ` <${o.valueName ?? "VALUE"}>` : ""}`;
    return [flag, o] as const;
  });
  const w = Math.max(...left.map(([f]) => f.length));
  for (const [flag, o] of left) {
    const extra = [o.choices ? `one of ${o.choices.join(", ")}` : "", o.defaultText ? `default ${o.defaultText}` : "", o.required ? "required" : ""]
      .filter(Boolean)
      .join("; ");
    lines.push(`  ${flag.padEnd(w)}  ${o.description}${extra ? ` (${extra})` : ""}`);
  }
  if (spec.details) lines.push("", spec.details.trim());
  return lines.join("\n") + "\n";
}
