/**
 * Raw-count statistics of two groups of cells (scvi-tools' `scrna_raw_counts_properties`).
 *
 * @module
 */
import type { Matrix } from "../../data/matrix/matrix.js";
import type { DeRawStats } from "./options.js";

const CHUNK = 256;

/** Visits the rows `cells` of `x` densely, a chunk at a time: `fn(row, cellIndex)`. */
function forEachRow(x: Matrix, cells: ArrayLike<number>, fn: (row: Float32Array, cell: number) => void): void {
  const nGenes = x.shape[1];
  const buf = new Float32Array(CHUNK * nGenes);
  for (let start = 0; start < cells.length; start += CHUNK) {
    const idx = Array.from({ length: Math.min(CHUNK, cells.length - start) }, (_, k) => cells[start + k]!);
    x.rows(idx, buf);
    idx.forEach((c, k) => fn(buf.subarray(k * nGenes, (k + 1) * nGenes), c));
  }
}

/** Per-gene mean of `x` over the rows `cells`. */
export function columnMeans(x: Matrix, cells: ArrayLike<number>): Float64Array {
  const out = new Float64Array(x.shape[1]);
  forEachRow(x, cells, (row) => row.forEach((v, g) => (out[g] += v)));
  return out.map((v) => v / cells.length);
}

/** Each cell's total count. */
export function librarySizes(x: Matrix): Float64Array {
  const all = Int32Array.from({ length: x.shape[0] }, (_, i) => i);
  const out = new Float64Array(x.shape[0]);
  forEachRow(x, all, (row, c) => (out[c] = row.reduce((s, v) => s + v, 0)));
  return out;
}

/** Per gene, for each group: mean count, fraction of non-zero cells, mean of counts × 1e4 / library. */
export interface RawCountStats {
  /** Per gene; the fields mean what {@link DeRawStats}' do. */
  raw_mean1: Float64Array;
  raw_mean2: Float64Array;
  non_zeros_proportion1: Float64Array;
  non_zeros_proportion2: Float64Array;
  raw_normalized_mean1: Float64Array;
  raw_normalized_mean2: Float64Array;
}

function groupStats(x: Matrix, cells: ArrayLike<number>, library: Float64Array) {
  const G = x.shape[1];
  const mean = new Float64Array(G);
  const nonZero = new Float64Array(G);
  const norm = new Float64Array(G);
  forEachRow(x, cells, (row, c) => {
    const factor = 1e4 / library[c]!;
    for (let g = 0; g < G; g++) {
      const v = row[g]!;
      mean[g] += v;
      if (v !== 0) nonZero[g]++;
      norm[g] += v * factor;
    }
  });
  const n = cells.length;
  return { mean: mean.map((v) => v / n), nonZero: nonZero.map((v) => v / n), norm: norm.map((v) => v / n) };
}

/**
 * The statistics of `scrna_raw_counts_properties` on the registered counts `x`. The
 * normalization uses each cell's total over all genes (`library`, computed when omitted).
 */
export function rawCountStats(x: Matrix, cells1: ArrayLike<number>, cells2: ArrayLike<number>, library: Float64Array = librarySizes(x)): RawCountStats {
  const a = groupStats(x, cells1, library);
  const b = groupStats(x, cells2, library);
  return {
    raw_mean1: a.mean,
    raw_mean2: b.mean,
    non_zeros_proportion1: a.nonZero,
    non_zeros_proportion2: b.nonZero,
    raw_normalized_mean1: a.norm,
    raw_normalized_mean2: b.norm,
  };
}
