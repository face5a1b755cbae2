/**
 * File helpers of the `scvi-ts` command: reading the input `.h5ad` with errors that name the
 * file, the count-data check, and CSV output.
 *
 * @module
 */
import { existsSync, statSync } from "node:fs";
import type { AnnData } from "../scvi/data/anndata.js";
import { CliError } from "./errors.js";

/** Where the command writes: stdout for results, stderr for diagnostics. */
export interface CliIo {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
}

/** The process' own streams. */
export const processIo: CliIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/**
 * Starts the TensorFlow.js backend before any tensor exists (a model built earlier would put
 * its weights on the default backend and draw them from that backend's generator).
 */
export async function startBackend(): Promise<void> {
  const { ready } = await import("../backend/select.js");
  await ready();
}

/** Reads `path` as an AnnData; a missing file, a directory or an unreadable file is a {@link CliError} naming it. */
export async function readInput(path: string): Promise<AnnData> {
  if (!existsSync(path)) throw new CliError(`input file '${path}' does not exist`);
  if (statSync(path).isDirectory()) throw new CliError(`input '${path}' is a directory, not an .h5ad file`);
  const { readH5ad } = await import("../scvi/data/h5/read-h5ad.js");
  try {
    return await readH5ad(path);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new CliError(`cannot read '${path}' as an .h5ad file: ${msg}`);
  }
}

/**
 * Checks that `X` (or `layer`) holds counts: negative or non-finite values always fail;
 * non-integer values fail unless `allowNonInteger` (scVI models raw UMI counts, not
 * normalized or log-transformed data).
 */
export async function checkCountData(adata: AnnData, layer: string | undefined, allowNonInteger: boolean): Promise<void> {
  const { findFirst } = await import("../scvi/data/matrix/matrix.js");
  const where = layer === undefined ? "X" : `layer '${layer}'`;
  let m;
  try {
    m = adata.getLayer(layer);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const bad = findFirst(m, (v) => !Number.isFinite(v) || v < 0);
  if (bad) {
    throw new CliError(
      `${where} is not count data: it has ${bad.value} at cell '${adata.obsNames[bad.row]}', gene '${adata.varNames[bad.col]}' (counts must be non-negative integers)`,
    );
  }
  if (allowNonInteger) return;
  const frac = findFirst(m, (v) => v % 1 !== 0);
  if (frac) {
    throw new CliError(
      `${where} is not count data: it has ${frac.value} at cell '${adata.obsNames[frac.row]}', gene '${adata.varNames[frac.col]}'; ` +
        `scVI needs raw counts (use --layer for a counts layer, or --allow-non-integer to train anyway)`,
    );
  }
}

/** A CSV field, quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return formatNumber(value);
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A number in the shortest form that reads back as the same float32 (NaN → "NaN"). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Inf" : "-Inf";
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(9)));
}

/** CSV text of a header and rows. */
export function toCsv(header: readonly string[], rows: Iterable<readonly (string | number | boolean | null | undefined)[]>): string {
  const lines = [header.map(csvField).join(",")];
  for (const r of rows) lines.push(r.map(csvField).join(","));
  return lines.join("\n") + "\n";
}

/** CSV of a cells × dims matrix with a `cell` column and `prefix0..` columns. */
export function matrixCsv(rowNames: readonly string[], shape: readonly [number, number], data: ArrayLike<number>, prefix: string): string {
  const [n, d] = shape;
  const header = ["cell", ...Array.from({ length: d }, (_, j) => `${prefix}${j}`)];
  function* rows() {
    for (let i = 0; i < n; i++) yield [rowNames[i]!, ...Array.from({ length: d }, (_, j) => data[i * d + j]!)];
  }
  return toCsv(header, rows());
}
