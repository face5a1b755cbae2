import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../../src/scvi/data/matrix/dense-matrix.js";
import { findFirst } from "../../../../src/scvi/data/matrix/matrix.js";

/** A dense matrix with about half zeros. */
const denseArb = fc
  .record({ r: fc.integer({ min: 0, max: 8 }), c: fc.integer({ min: 0, max: 8 }) })
  .chain(({ r, c }) =>
    fc
      .array(fc.oneof(fc.constant(0), fc.integer({ min: -5, max: 9 })), { minLength: r * c, maxLength: r * c })
      .map((v) => new DenseMatrix([r, c], Float32Array.from(v))),
  );

/** Plain nested rows of a dense matrix, for comparisons. */
const rowsOf = (m: DenseMatrix) => Array.from({ length: m.nRows }, (_, i) => Array.from(m.row(i)));

describe("CsrMatrix and DenseMatrix agree (properties)", () => {
  it("fromDense → toDense, row, rows and get reproduce the dense matrix", () => {
    fc.assert(
      fc.property(denseArb, fc.array(fc.nat(), { maxLength: 10 }), (d, picks) => {
        const s = CsrMatrix.fromDense(d);
        expect(s.toDense()).toEqual(d);
        expect(s.nnz).toBe(d.data.filter((v) => v !== 0).length);
        for (let i = 0; i < d.nRows; i++) {
          expect(s.row(i)).toEqual(d.row(i));
          for (let j = 0; j < d.nCols; j++) expect(s.get(i, j)).toBe(d.get(i, j));
        }
        if (d.nRows > 0) {
          const idx = picks.map((p) => p % d.nRows);
          expect(s.rows(idx)).toEqual(d.rows(idx));
          const out = new Float32Array(idx.length * d.nCols).fill(7);
          expect(s.rows(idx, out)).toEqual(d.rows(idx)); // zeroes a reused buffer
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("subset by rows and columns (indices in any order, masks) matches the dense subset", () => {
    fc.assert(
      fc.property(denseArb, fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 10 }), fc.boolean(), (d, ri, ci, mask) => {
        const s = CsrMatrix.fromDense(d);
        const rows = d.nRows ? ri.map((x) => x % d.nRows) : [];
        const cols = d.nCols ? ci.map((x) => x % d.nCols) : [];
        const want = d.subset(rows, cols);
        expect(rowsOf(s.subset(rows, cols).toDense())).toEqual(rowsOf(want));
        expect(want.shape).toEqual([rows.length, cols.length]);
        expect(want.get(0, 0)).toBe(rows.length && cols.length ? d.get(rows[0], cols[0]) : undefined);
        if (mask) {
          const m = Array.from({ length: d.nRows }, (_, i) => i % 2 === 0);
          const viaMask = s.subset(m);
          expect(rowsOf(viaMask.toDense())).toEqual(rowsOf(d).filter((_, i) => i % 2 === 0));
        }
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it("fromCsc and toCsc are inverse and match scipy's layout", () => {
    fc.assert(
      fc.property(denseArb, (d) => {
        const s = CsrMatrix.fromDense(d);
        const csc = s.toCsc();
        expect(csc.shape).toEqual(d.shape);
        expect(csc.indptr).toHaveLength(d.nCols + 1);
        // column j's values in row order
        for (let j = 0; j < d.nCols; j++) {
          const col: number[] = [];
          for (let k = csc.indptr[j]; k < csc.indptr[j + 1]; k++) col.push(csc.indices[k]);
          expect(col).toEqual(Array.from({ length: d.nRows }, (_, i) => i).filter((i) => d.get(i, j) !== 0));
        }
        expect(CsrMatrix.fromCsc(csc.indptr, csc.indices, csc.data, d.shape)).toEqual(s);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("matrix validation and helpers", () => {
  it("rejects inconsistent CSR arrays, naming the problem", () => {
    expect(() => new CsrMatrix(Int32Array.of(0, 1), Int32Array.of(3), Float32Array.of(1), [1, 2])).toThrow(/column index 3/);
    expect(() => new CsrMatrix(Int32Array.of(0, 2, 2), Int32Array.of(0), Float32Array.of(1), [2, 2])).toThrow(/indptr must run from 0 to nnz = 1, got 0 .. 2/);
    expect(() => new CsrMatrix(Int32Array.of(0, 2, 1), Int32Array.of(0), Float32Array.of(1), [2, 2])).toThrow(/indptr decreases at row 1/);
    expect(() => new CsrMatrix(Int32Array.of(0, 1), Int32Array.of(0), Float32Array.of(1), [2, 2])).toThrow(/indptr has length 2, expected nRows \+ 1 = 3/);
    expect(() => new DenseMatrix([2, 2], new Float32Array(3))).toThrow(/data has 3 values, shape \[2, 2\] needs 4/);
  });

  it("finds the first matching stored value in row-major order", () => {
    const d = DenseMatrix.fromRows([
      [0, 1, 2],
      [3, -1, -2],
    ]);
    expect(findFirst(d, (v) => v < 0)).toEqual({ row: 1, col: 1, value: -1 });
    expect(findFirst(CsrMatrix.fromDense(d), (v) => v < 0)).toEqual({ row: 1, col: 1, value: -1 });
    expect(findFirst(d, (v) => v > 10)).toBeUndefined();
  });

  it("checks selections", () => {
    const d = DenseMatrix.zeros(3, 2);
    expect(() => d.subset([3])).toThrow(/row index 3 at position 0 is out of range \[0, 3\)/);
    expect(() => d.subset([true, false])).toThrow(/row mask has length 2, expected 3/);
  });
});
