import { describe, expect, it } from "vitest";
import { AnnData } from "../../../src/scvi/data/anndata.js";
import { booleanColumn, categoricalColumn, DataFrame, numericColumn, stringColumn, columnValue } from "../../../src/scvi/data/dataframe.js";
import { CsrMatrix } from "../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";

function small(): AnnData {
  const X = DenseMatrix.fromRows([
    [1, 0, 2],
    [0, 3, 0],
    [4, 0, 0],
    [0, 0, 5],
  ]);
  return new AnnData({
    X: CsrMatrix.fromDense(X),
    obs: new DataFrame(["c0", "c1", "c2", "c3"], {
      batch: categoricalColumn(["a", "b", "a", null]),
      n: numericColumn([3, 3, 4, 5], "int64"),
      name: stringColumn(["w", "x", "y", "z"]),
      ok: booleanColumn([true, false, true, false]),
    }),
    var: new DataFrame(["g0", "g1", "g2"], { mean: numericColumn([1.25, 0.75, 1.75]) }),
    obsm: { X_pca: DenseMatrix.fromRows([[1, 2], [3, 4], [5, 6], [7, 8]]) },
    varm: { PCs: DenseMatrix.fromRows([[1], [2], [3]]) },
    layers: { counts: X },
    uns: { nested: { a: [1, 2] } },
  });
}

describe("AnnData", () => {
  it("knows its shape and names", () => {
    const a = small();
    expect(a.shape).toEqual([4, 3]);
    expect(a.obsNames).toEqual(["c0", "c1", "c2", "c3"]);
    expect(a.varNames).toEqual(["g0", "g1", "g2"]);
    expect(a.toString()).toContain("AnnData object with nObs × nVars = 4 × 3");
  });

  it("subsets cells and genes in the order given, everywhere", () => {
    const a = small();
    const b = a.subset({ obs: [3, 0], vars: [true, false, true] });
    expect(b.shape).toEqual([2, 2]);
    expect(b.obsNames).toEqual(["c3", "c0"]);
    expect(b.varNames).toEqual(["g0", "g2"]);
    expect(b.X?.toDense().data).toEqual(Float32Array.of(0, 5, 1, 2));
    expect(b.layers.get("counts")?.toDense().data).toEqual(Float32Array.of(0, 5, 1, 2));
    expect(b.obsm.get("X_pca")?.toDense().data).toEqual(Float32Array.of(7, 8, 1, 2));
    expect(b.varm.get("PCs")?.toDense().data).toEqual(Float32Array.of(1, 3));
    expect([0, 1].map((i) => columnValue(b.obs.get("batch"), i))).toEqual([null, "a"]);
    expect([0, 1].map((i) => columnValue(b.obs.get("ok"), i))).toEqual([false, true]);
    expect([0, 1].map((i) => columnValue(b.var.get("mean"), i))).toEqual([1.25, 1.75]);
    // a copy: changing the subset leaves the original alone
    (b.uns.nested as { a: number[] }).a.push(3);
    expect(a.uns).toEqual({ nested: { a: [1, 2] } });
  });

  it("rejects tables and matrices of the wrong size", () => {
    expect(() => new AnnData({ X: DenseMatrix.zeros(2, 2), obs: new DataFrame(["a"]) })).toThrow(/obs has 1 rows, X has 2/);
    expect(() => new AnnData({ X: DenseMatrix.zeros(2, 2), layers: { l: DenseMatrix.zeros(2, 3) } })).toThrow(/layer 'l' has shape \[2,3\], expected \[2, 2\]/);
    expect(() => new AnnData({ X: DenseMatrix.zeros(2, 2), obsm: { e: DenseMatrix.zeros(3, 1) } })).toThrow(/obsm 'e' has 3 rows, expected 2/);
  });

  it("names a missing column and the available ones", () => {
    expect(() => small().obs.get("bach")).toThrow(/column 'bach' not found in obs; available: batch, n, name, ok/);
  });

  it("sorts categories by code point as pandas does", () => {
    expect(categoricalColumn(["b", "B", "a", "é", "z"]).categories).toEqual(["B", "a", "b", "z", "é"]);
  });
});
