/**
 * The plain data that models' post-inference methods return: no tensors for the caller to
 * dispose.
 *
 * @module
 */

/** A row-major float matrix, with optional row and column names. */
export interface PlainMatrix {
  /** `[rows, cols]`. */
  shape: [number, number];
  /** Row-major values. */
  data: Float32Array;
  /** Row names (e.g. cell names). */
  rowNames?: string[];
  /** Column names (e.g. gene names). */
  colNames?: string[];
}

/** The value at `(i, j)`. */
export function at(m: PlainMatrix, i: number, j: number): number {
  return m.data[i * m.shape[1] + j]!;
}

/** Row `i` as a subarray (no copy). */
export function row(m: PlainMatrix, i: number): Float32Array {
  return m.data.subarray(i * m.shape[1], (i + 1) * m.shape[1]);
}
