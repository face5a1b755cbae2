/**
 * `read10xMtx`: Cell Ranger's MatrixMarket directories (`matrix.mtx(.gz)`,
 * `barcodes.tsv(.gz)`, and `features.tsv.gz` (v3) or `genes.tsv` (v2)).
 *
 * @module
 */
import { ready } from "../../../backend/select.js";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AnnData } from "../anndata.js";
import { DataFrame, stringColumn } from "../dataframe.js";
import { makeUnique } from "./make-unique.js";
import { readMatrixMarket, readText } from "./matrix-market.js";

/** Options of {@link read10xMtx}. */
export interface Read10xMtxOptions {
  /** Name genes by symbol (default) or by Ensembl id. */
  varNames?: "gene_symbols" | "gene_ids";
  /** Make repeated gene names unique with `-1`, `-2` suffixes (default true, as scanpy). */
  makeUnique?: boolean;
  /** Keep only "Gene Expression" features of a v3 directory (default true, as scanpy). */
  gexOnly?: boolean;
}

function find(dir: string, names: string[]): string | undefined {
  for (const n of names) {
    for (const candidate of [join(dir, n), join(dir, `${n}.gz`)]) if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

function tsvRows(path: string): string[][] {
  return readText(path)
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => l.replace(/\r$/, "").split("\t"));
}

/**
 * Reads a Cell Ranger MatrixMarket directory as cells × genes AnnData (CSR `X`), as scanpy's
 * `read_10x_mtx`: `obs` indexed by barcode, `var` by gene symbol (unique by default) with
 * `gene_ids` and, for v3, `feature_types`.
 *
 * @example
 * ```ts
 * const adata = await read10xMtx("filtered_feature_bc_matrix/");
 * ```
 */
export async function read10xMtx(dir: string, options: Read10xMtxOptions = {}): Promise<AnnData> {
  await ready();
  const matrix = find(dir, ["matrix.mtx"]);
  const barcodesFile = find(dir, ["barcodes.tsv"]);
  const featuresFile = find(dir, ["features.tsv", "genes.tsv"]);
  const missing = [
    ["matrix.mtx(.gz)", matrix],
    ["barcodes.tsv(.gz)", barcodesFile],
    ["features.tsv(.gz) or genes.tsv", featuresFile],
  ].filter(([, p]) => p === undefined);
  if (missing.length || !matrix || !barcodesFile || !featuresFile) {
    throw new Error(`${dir} is not a Cell Ranger matrix directory: missing ${missing.map(([n]) => n).join(", ")}`);
  }
  let X = readMatrixMarket(matrix, { transpose: true });
  const barcodes = tsvRows(barcodesFile).map((r) => r[0]);
  const features = tsvRows(featuresFile);
  if (barcodes.length !== X.nRows) throw new Error(`${barcodesFile}: ${barcodes.length} barcodes for ${X.nRows} matrix columns`);
  if (features.length !== X.nCols) throw new Error(`${featuresFile}: ${features.length} features for ${X.nCols} matrix rows`);
  const ids = features.map((r) => r[0]);
  const symbols = features.map((r) => r[1] ?? r[0]);
  const v3 = features.every((r) => r.length >= 3);
  const names = (options.varNames ?? "gene_symbols") === "gene_symbols" ? symbols : ids;
  const cols = {
    [(options.varNames ?? "gene_symbols") === "gene_symbols" ? "gene_ids" : "gene_symbols"]: stringColumn(
      (options.varNames ?? "gene_symbols") === "gene_symbols" ? ids : symbols,
    ),
    ...(v3 ? { feature_types: stringColumn(features.map((r) => r[2])) } : {}),
  };
  let varFrame = new DataFrame(options.makeUnique ?? true ? makeUnique(names) : names, cols, "var");
  if (v3 && (options.gexOnly ?? true)) {
    const keep = features.map((r) => r[2] === "Gene Expression");
    if (keep.some((k) => !k)) {
      X = X.subset(undefined, keep);
      varFrame = varFrame.subset(keep);
    }
  }
  return new AnnData({ X, obs: new DataFrame(barcodes, {}, "obs"), var: varFrame });
}
