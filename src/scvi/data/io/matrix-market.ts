/**
 * A reader for MatrixMarket coordinate files (`.mtx`, optionally gzipped), the format of
 * Cell Ranger's `filtered_feature_bc_matrix/` directories.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { CsrMatrix } from "../matrix/csr-matrix.js";

/** A text file, gunzipped when its name ends in `.gz`. */
export function readText(path: string): string {
  const raw = readFileSync(path);
  return (path.endsWith(".gz") ? gunzipSync(raw) : raw).toString("utf8");
}

/**
 * Reads a MatrixMarket `coordinate` matrix (`integer`, `real` or `pattern`; `general`
 * symmetry) as CSR. With `transpose`, row `j` of the result is column `j` of the file (Cell
 * Ranger stores genes × cells; scvi-ts wants cells × genes). Repeated entries add up.
 *
 * @example
 * ```ts
 * const cellsByGenes = readMatrixMarket("filtered_feature_bc_matrix/matrix.mtx.gz", { transpose: true });
 * ```
 */
export function readMatrixMarket(path: string, options: { transpose?: boolean } = {}): CsrMatrix {
  const lines = readText(path).split("\n");
  const header = lines[0]?.trim().split(/\s+/).map((w) => w.toLowerCase()) ?? [];
  if (header[0] !== "%%matrixmarket" || header[1] !== "matrix") {
    throw new Error(`${path} is not a MatrixMarket matrix (first line '${lines[0]?.slice(0, 60)}')`);
  }
  const [, , layout, field, symmetry] = header;
  if (layout !== "coordinate") throw new Error(`${path}: only 'coordinate' MatrixMarket files are supported, not '${layout}'`);
  if (!["integer", "real", "pattern", "double"].includes(field)) throw new Error(`${path}: unsupported field '${field}'`);
  if (symmetry !== "general") throw new Error(`${path}: only 'general' symmetry is supported, not '${symmetry}'`);
  let li = 1;
  while (li < lines.length && (lines[li].startsWith("%") || lines[li].trim() === "")) li++;
  const size = lines[li]?.trim().split(/\s+/).map(Number) ?? [];
  if (size.length !== 3 || size.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new Error(`${path}: bad size line '${lines[li]}'`);
  }
  const [nRows, nCols, nnz] = size;
  const rows = new Int32Array(nnz);
  const cols = new Int32Array(nnz);
  const vals = new Float32Array(nnz);
  let k = 0;
  for (li++; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === "" || line.startsWith("%")) continue;
    if (k >= nnz) throw new Error(`${path}: more entries than the ${nnz} announced`);
    const parts = line.split(/\s+/);
    const i = Number(parts[0]) - 1;
    const j = Number(parts[1]) - 1;
    if (!(i >= 0 && i < nRows && j >= 0 && j < nCols)) throw new Error(`${path}: entry '${line}' on line ${li + 1} is outside ${nRows} × ${nCols}`);
    rows[k] = i;
    cols[k] = j;
    vals[k] = field === "pattern" ? 1 : Number(parts[2]);
    k++;
  }
  if (k !== nnz) throw new Error(`${path}: ${k} entries, the size line announced ${nnz}`);
  const [outRows, outCols, r, c] = options.transpose ? [nCols, nRows, cols, rows] : [nRows, nCols, rows, cols];
  // bucket the entries by output row (counting sort), then order each row by column
  const indptr = new Int32Array(outRows + 1);
  for (let x = 0; x < nnz; x++) indptr[r[x] + 1]++;
  for (let x = 0; x < outRows; x++) indptr[x + 1] += indptr[x];
  const next = indptr.slice(0, outRows);
  const indices = new Int32Array(nnz);
  const data = new Float32Array(nnz);
  for (let x = 0; x < nnz; x++) {
    const p = next[r[x]]++;
    indices[p] = c[x];
    data[p] = vals[x];
  }
  for (let row = 0; row < outRows; row++) {
    const a = indptr[row];
    const b = indptr[row + 1];
    let sorted = true;
    for (let p = a + 1; p < b; p++) if (indices[p] < indices[p - 1]) sorted = false;
    if (sorted) continue;
    const perm = Array.from({ length: b - a }, (_, t) => a + t).sort((u, v) => indices[u] - indices[v]);
    const ci = Int32Array.from(perm, (p) => indices[p]);
    const cv = Float32Array.from(perm, (p) => data[p]);
    indices.set(ci, a);
    data.set(cv, a);
  }
  return new CsrMatrix(indptr, indices, data, [outRows, outCols]);
}
