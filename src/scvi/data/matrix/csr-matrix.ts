/**
 * `CsrMatrix`: compressed sparse rows, the layout of single-cell count matrices.
 *
 * @module
 */
import { toIndices, type Selection } from "../selection.js";
import { DenseMatrix } from "./dense-matrix.js";

/**
 * A sparse `nRows × nCols` matrix in compressed sparse row (CSR) form, as scipy's
 * `csr_matrix`: the non-zeros of row `i` sit at positions `indptr[i] .. indptr[i+1]` of
 * `indices` (their columns) and `data` (their values).
 *
 * @example
 * ```ts
 * // [[0, 2], [3, 0]]
 * const m = new CsrMatrix(Int32Array.of(0, 1, 2), Int32Array.of(1, 0), Float32Array.of(2, 3), [2, 2]);
 * m.row(1);      // Float32Array [3, 0]
 * m.rows([1, 0]); // Float32Array [3, 0, 0, 2]
 * ```
 */
export class CsrMatrix {
  /** Discriminates the matrix kinds. */
  readonly format = "csr" as const;

  /**
   * @param indptr row pointers, `nRows + 1` long, non-decreasing, from 0 to `nnz`
   * @param indices column of each stored value
   * @param data the stored values
   * @param shape `[nRows, nCols]`
   */
  constructor(
    readonly indptr: Int32Array,
    readonly indices: Int32Array,
    readonly data: Float32Array,
    readonly shape: readonly [number, number],
  ) {
    const [r, c] = shape;
    if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0) {
      throw new Error(`CsrMatrix: shape [${r}, ${c}] must be two non-negative integers`);
    }
    if (indptr.length !== r + 1) {
      throw new Error(`CsrMatrix: indptr has length ${indptr.length}, expected nRows + 1 = ${r + 1}`);
    }
    if (indices.length !== data.length) {
      throw new Error(`CsrMatrix: indices (${indices.length}) and data (${data.length}) differ in length`);
    }
    if (indptr[0] !== 0 || indptr[r] !== data.length) {
      throw new Error(`CsrMatrix: indptr must run from 0 to nnz = ${data.length}, got ${indptr[0]} .. ${indptr[r]}`);
    }
    for (let i = 0; i < r; i++) {
      if (indptr[i + 1] < indptr[i]) throw new Error(`CsrMatrix: indptr decreases at row ${i}`);
    }
    for (let k = 0; k < indices.length; k++) {
      const j = indices[k];
      if (j < 0 || j >= c) throw new Error(`CsrMatrix: column index ${j} at position ${k} is out of range [0, ${c})`);
    }
  }

  /** Converts a dense matrix, keeping its non-zero values. */
  static fromDense(m: DenseMatrix): CsrMatrix {
    const [r, c] = m.shape;
    let nnz = 0;
    for (let k = 0; k < m.data.length; k++) if (m.data[k] !== 0) nnz++;
    const indptr = new Int32Array(r + 1);
    const indices = new Int32Array(nnz);
    const data = new Float32Array(nnz);
    let p = 0;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < c; j++) {
        const v = m.data[i * c + j];
        if (v !== 0) {
          indices[p] = j;
          data[p] = v;
          p++;
        }
      }
      indptr[i + 1] = p;
    }
    return new CsrMatrix(indptr, indices, data, [r, c]);
  }

  /**
   * Converts compressed sparse columns (scipy's `csc_matrix`, or Cell Ranger's genes × cells
   * matrix read as its transpose) of shape `shape` to CSR. Rows keep their columns sorted.
   */
  static fromCsc(
    indptr: Int32Array,
    indices: Int32Array,
    data: Float32Array,
    shape: readonly [number, number],
  ): CsrMatrix {
    const [r, c] = shape;
    if (indptr.length !== c + 1) {
      throw new Error(`CsrMatrix.fromCsc: indptr has length ${indptr.length}, expected nCols + 1 = ${c + 1}`);
    }
    const nnz = data.length;
    const counts = new Int32Array(r + 1);
    for (let k = 0; k < nnz; k++) {
      const i = indices[k];
      if (i < 0 || i >= r) throw new Error(`CsrMatrix.fromCsc: row index ${i} at position ${k} is out of range [0, ${r})`);
      counts[i + 1]++;
    }
    for (let i = 0; i < r; i++) counts[i + 1] += counts[i];
    const outPtr = counts.slice();
    const outIdx = new Int32Array(nnz);
    const outData = new Float32Array(nnz);
    const next = counts.slice(0, r);
    for (let j = 0; j < c; j++) {
      for (let k = indptr[j]; k < indptr[j + 1]; k++) {
        const i = indices[k];
        const p = next[i]++;
        outIdx[p] = j;
        outData[p] = data[k];
      }
    }
    return new CsrMatrix(outPtr, outIdx, outData, [r, c]);
  }

  /** Number of rows. */
  get nRows(): number {
    return this.shape[0];
  }

  /** Number of columns. */
  get nCols(): number {
    return this.shape[1];
  }

  /** Number of stored values. */
  get nnz(): number {
    return this.data.length;
  }

  /** The value at row `i`, column `j` (0 when not stored; duplicates add up). */
  get(i: number, j: number): number {
    let v = 0;
    for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) if (this.indices[k] === j) v += this.data[k];
    return v;
  }

  /** Row `i` as a new dense `Float32Array` of length `nCols`. */
  row(i: number): Float32Array {
    const out = new Float32Array(this.shape[1]);
    for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) out[this.indices[k]] += this.data[k];
    return out;
  }

  /**
   * The rows at `indices`, densified row-major into `out` (allocated when omitted; zeroed
   * first when given). This is how the data loader builds a minibatch: one pass over the
   * selected rows' non-zeros, far cheaper than gathering from a resident dense tensor.
   */
  rows(indices: ArrayLike<number>, out?: Float32Array): Float32Array {
    const c = this.shape[1];
    const n = indices.length;
    let target: Float32Array;
    if (out) {
      if (out.length < n * c) throw new Error(`CsrMatrix.rows: out has ${out.length} values, needs ${n * c}`);
      target = out;
      target.fill(0, 0, n * c);
    } else {
      target = new Float32Array(n * c);
    }
    const { indptr, indices: cols, data } = this;
    for (let a = 0; a < n; a++) {
      const i = indices[a];
      const row = target.subarray(a * c, (a + 1) * c);
      const end = indptr[i + 1];
      for (let k = indptr[i]; k < end; k++) row[cols[k]] += data[k];
    }
    return target;
  }

  /** The whole matrix as a `DenseMatrix`. */
  toDense(): DenseMatrix {
    const [r, c] = this.shape;
    const out = new Float32Array(r * c);
    for (let i = 0; i < r; i++) {
      for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) out[i * c + this.indices[k]] += this.data[k];
    }
    return new DenseMatrix([r, c], out);
  }

  /**
   * The sub-matrix of the selected rows and columns (all when omitted), as a copy. Column
   * selection keeps the order given, so it can also permute columns.
   */
  subset(rows?: Selection, cols?: Selection): CsrMatrix {
    const [r, c] = this.shape;
    const ri = rows === undefined ? undefined : toIndices(rows, r, "row");
    let colMap: Int32Array[] | undefined;
    let nc = c;
    if (cols !== undefined) {
      const ci = toIndices(cols, c, "column");
      nc = ci.length;
      // old column -> new positions (a column may be selected more than once)
      const lists: number[][] = Array.from({ length: c }, () => []);
      ci.forEach((j, b) => lists[j].push(b));
      colMap = lists.map((l) => Int32Array.from(l));
    }
    const nr = ri ? ri.length : r;
    const ptr = new Int32Array(nr + 1);
    if (!colMap) {
      for (let a = 0; a < nr; a++) {
        const i = ri ? ri[a] : a;
        ptr[a + 1] = ptr[a] + this.indptr[i + 1] - this.indptr[i];
      }
      const idx = new Int32Array(ptr[nr]);
      const vals = new Float32Array(ptr[nr]);
      for (let a = 0; a < nr; a++) {
        const i = ri ? ri[a] : a;
        idx.set(this.indices.subarray(this.indptr[i], this.indptr[i + 1]), ptr[a]);
        vals.set(this.data.subarray(this.indptr[i], this.indptr[i + 1]), ptr[a]);
      }
      return new CsrMatrix(ptr, idx, vals, [nr, nc]);
    }
    const idx: number[] = [];
    const vals: number[] = [];
    for (let a = 0; a < nr; a++) {
      const i = ri ? ri[a] : a;
      const entries: [number, number][] = [];
      for (let k = this.indptr[i]; k < this.indptr[i + 1]; k++) {
        for (const b of colMap[this.indices[k]]) entries.push([b, this.data[k]]);
      }
      entries.sort((x, y) => x[0] - y[0]);
      for (const [b, v] of entries) {
        idx.push(b);
        vals.push(v);
      }
      ptr[a + 1] = idx.length;
    }
    return new CsrMatrix(ptr, Int32Array.from(idx), Float32Array.from(vals), [nr, nc]);
  }

  /** The transpose's CSR form, i.e. this matrix in compressed sparse column form. */
  toCsc(): {
    /** Column pointers, `nCols + 1` long. */
    indptr: Int32Array;
    /** The row of each stored value. */
    indices: Int32Array;
    /** The stored values, column by column. */
    data: Float32Array;
    /** `[nRows, nCols]`, as this matrix. */
    shape: [number, number];
  } {
    const [r, c] = this.shape;
    const t = CsrMatrix.fromCsc(this.indptr, this.indices, this.data, [c, r]);
    return { indptr: t.indptr, indices: t.indices, data: t.data, shape: [r, c] };
  }
}
