/**
 * `Matrix`: the two matrix kinds an AnnData holds (`X`, layers, obsm), and helpers over both.
 *
 * @module
 */
import { CsrMatrix } from "./csr-matrix.js";
import { DenseMatrix } from "./dense-matrix.js";

/** A cells × features matrix: sparse CSR or dense row-major float32. */
export type Matrix = CsrMatrix | DenseMatrix;

/** Whether `m` is stored sparse. */
export function isSparse(m: Matrix): m is CsrMatrix {
  return m.format === "csr";
}

/**
 * The first stored value of `m` in row-major order for which `check` is true, as
 * `{ row, col, value }`, or undefined when there is none. Implicit zeros of a sparse matrix
 * are not visited.
 */
export function findFirst(
  m: Matrix,
  check: (value: number) => boolean,
): { row: number; col: number; value: number } | undefined {
  if (m.format === "csr") {
    const [r] = m.shape;
    for (let i = 0; i < r; i++) {
      for (let k = m.indptr[i]; k < m.indptr[i + 1]; k++) {
        if (check(m.data[k])) return { row: i, col: m.indices[k], value: m.data[k] };
      }
    }
    return undefined;
  }
  const c = m.shape[1];
  for (let k = 0; k < m.data.length; k++) {
    if (check(m.data[k])) return { row: Math.floor(k / c), col: k % c, value: m.data[k] };
  }
  return undefined;
}
