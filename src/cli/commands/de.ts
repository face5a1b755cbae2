/**
 * `scvi-ts de`: Bayesian differential expression between groups of cells under a saved model.
 *
 * @module
 */
import { writeFile } from "node:fs/promises";
import { CliError, UsageError } from "../errors.js";
import { readInput, startBackend, toCsv, type CliIo } from "../io.js";
import type { DifferentialExpressionOptions } from "../../scvi/model/de/options.js";
import { choiceOption, flagOption, intOption, numberOption, stringOption, type CommandSpec, type ParsedArgs } from "../options.js";

/** The options of `scvi-ts de`. */
export const deSpec: CommandSpec = {
  name: "de",
  summary: "Differential expression between two groups of cells (or one group against the rest) under a saved model.",
  positionals: [
    { name: "model-dir", description: "A model directory written by 'scvi-ts train' (or SCVI.save)." },
    { name: "in.h5ad", description: "The cells: the model's genes in the model's order, its obs keys, and the --groupby column." },
  ],
  options: {
    groupby: { type: "string", valueName: "KEY", required: true, description: "obs column that defines the groups." },
    group1: { type: "string", valueName: "GROUP", required: true, description: "The first group (a value of --groupby)." },
    group2: { type: "string", valueName: "GROUP", description: "The second group (default: all other cells)." },
    out: { type: "string", short: "o", valueName: "FILE", required: true, description: "Output CSV, one row per gene." },
    mode: { type: "string", valueName: "MODE", choices: ["vanilla", "change"], description: "p(h1 > h2) (vanilla) or p(|LFC| ≥ delta) (change).", defaultText: "vanilla" },
    delta: { type: "string", valueName: "X", description: "Smallest |log fold change| that counts as a change (change mode).", defaultText: "0.25" },
    "batch-correction": { type: "boolean", description: "Decode every cell in every batch and average (batch-corrected expression)." },
    "fdr-target": { type: "string", valueName: "X", description: "Posterior expected FDR of the DE calls (change mode).", defaultText: "0.05" },
    seed: { type: "string", valueName: "N", description: "Random seed of the posterior draws.", defaultText: "0" },
  },
};

/** Runs `scvi-ts de` on parsed arguments. */
export async function runDe(args: ParsedArgs, io: CliIo): Promise<void> {
  const modelDir = args.positionals["model-dir"]!;
  const input = args.positionals["in.h5ad"]!;
  const out = stringOption(args, "out")!;
  const groupby = stringOption(args, "groupby")!;
  const group1 = stringOption(args, "group1")!;
  const group2 = stringOption(args, "group2");
  const mode = choiceOption<"vanilla" | "change">(deSpec, args, "mode");
  const delta = numberOption(args, "delta", { positive: true });
  const fdrTarget = numberOption(args, "fdr-target", { positive: true });
  if (fdrTarget !== undefined && fdrTarget >= 1) throw new UsageError(`--fdr-target must be below 1, got '${stringOption(args, "fdr-target")}'`);
  const seed = intOption(args, "seed") ?? 0;
  if (!out.toLowerCase().endsWith(".csv")) throw new UsageError(`--out must end in .csv, got '${out}'`);

  await startBackend();
  const adata = await readInput(input);
  if (!adata.obs.has(groupby)) {
    throw new CliError(`obs key '${groupby}' (--groupby) not found in '${input}'; available: ${adata.obs.columnNames.filter((c) => !c.startsWith("_scvi_")).join(", ") || "(none)"}`);
  }
  const { SCVI } = await import("../../scvi/model/scvi.js");
  const model = await SCVI.load(modelDir, { adata });
  const options: DifferentialExpressionOptions = {
    groupby,
    group1,
    ...(group2 !== undefined ? { group2 } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(delta !== undefined ? { delta } : {}),
    batchCorrection: flagOption(args, "batch-correction"),
    ...(fdrTarget !== undefined ? { fdrTarget } : {}),
    seed,
  };
  const rows = model.differentialExpression(options) as unknown as Record<string, unknown>[];
  if (rows.length === 0) throw new CliError("differential expression returned no rows");
  // Every column that any row has, in first-seen order (the gene first).
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  await writeFile(out, toCsv(header, rows.map((r) => header.map((h) => csvValue(r[h])))));
  io.out(`Wrote ${rows.length} rows (${mode ?? "vanilla"} mode, ${group1} vs ${group2 ?? "rest"}) to ${out}\n`);
}

function csvValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  return JSON.stringify(v);
}
