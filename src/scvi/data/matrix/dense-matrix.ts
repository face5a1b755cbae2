/**
 * `DenseMatrix`: a row-major float32 matrix.
 *
 * @module
 */
import { toIndices, type Selection } from "../selection.js";

/**
 * A dense `nRows × nCols` float32 matrix stored row-major in one `Float32Array`.
 *
 * @example
 * ```ts
 * const m = new DenseMatrix([2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
 * m.get(1, 0); // 4
 * m.rows([1]); // Float32Array [4, 5, 6]
 * ```
 */
export class DenseMatrix {
  /** Discriminates the matrix kinds. */
  readonly format = "dense" as const;

  /**
   * @param shape `[nRows, nCols]`
   * @param data row-major values, `nRows * nCols` long
   */
  constructor(
    readonly shape: readonly [number, number],
    readonly data: Float32Array,
  ) {
    const [r, c] = shape;
    if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0) {
      throw new Error(`DenseMatrix: shape [${r}, ${c}] must be two non-negative integers`);
    }
    if (data.length !== r * c) {
      throw new Error(`DenseMatrix: data has ${data.length} values, shape [${r}, ${c}] needs ${r * c}`);
    }
  }

  /** A matrix of zeros. */
  static zeros(nRows: number, nCols: number): DenseMatrix {
    return new DenseMatrix([nRows, nCols], new Float32Array(nRows * nCols));
  }

  /** Builds a matrix from nested rows (all of the same length). */
  static fromRows(rows: ArrayLike<number>[], nCols?: number): DenseMatrix {
    const c = nCols ?? (rows.length > 0 ? rows[0].length : 0);
    const out = new Float32Array(rows.length * c);
    rows.forEach((row, i) => {
      if (row.length !== c) throw new Error(`DenseMatrix.fromRows: row ${i} has ${row.length} values, expected ${c}`);
      out.set(Array.from(row), i * c);
    });
    return new DenseMatrix([rows.length, c], out);
  }

  /** Number of rows. */
  get nRows(): number {
    return this.shape[0];
  }

  /** Number of columns. */
  get nCols(): number {
    return this.shape[1];
  }

  /** The value at row `i`, column `j`. */
  get(i: number, j: number): number {
    return this.data[i * this.shape[1] + j];
  }

  /** Row `i` as a new `Float32Array` of length `nCols`. */
  row(i: number): Float32Array {
    const c = this.shape[1];
    return this.data.slice(i * c, (i + 1) * c);
  }

  /**
   * The rows at `indices`, densely packed row-major into `out` (allocated when omitted,
   * `indices.length * nCols` long). Used by the data loader to build one minibatch.
   */
  rows(indices: ArrayLike<number>, out?: Float32Array): Float32Array {
    const c = this.shape[1];
    const n = indices.length;
    const target = out ?? new Float32Array(n * c);
    if (target.length < n * c) throw new Error(`DenseMatrix.rows: out has ${target.length} values, needs ${n * c}`);
    for (let k = 0; k < n; k++) {
      const i = indices[k];
      target.set(this.data.subarray(i * c, (i + 1) * c), k * c);
    }
    return target;
  }

  /** This matrix (already dense). */
  toDense(): DenseMatrix {
    return this;
  }

  /** The sub-matrix of the selected rows and columns (all when omitted), as a copy. */
  subset(rows?: Selection, cols?: Selection): DenseMatrix {
    const [r, c] = this.shape;
    const ri = rows === undefined ? undefined : toIndices(rows, r, "row");
    const ci = cols === undefined ? undefined : toIndices(cols, c, "column");
    const nr = ri ? ri.length : r;
    const nc = ci ? ci.length : c;
    const out = new Float32Array(nr * nc);
    for (let a = 0; a < nr; a++) {
      const i = ri ? ri[a] : a;
      if (!ci) {
        out.set(this.data.subarray(i * c, (i + 1) * c), a * nc);
      } else {
        for (let b = 0; b < nc; b++) out[a * nc + b] = this.data[i * c + ci[b]];
      }
    }
    return new DenseMatrix([nr, nc], out);
  }
}
