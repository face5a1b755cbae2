import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readH5ad } from "../../../../src/scvi/data/h5/read-h5ad.js";
import type { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";

const want = JSON.parse(readFileSync("tests/fixtures/h5ad/pbmc68k.expected.json", "utf8")) as {
  n_obs: number;
  n_vars: number;
  nnz: number;
  total: number;
  row_sums: number[];
  obs_columns: string[];
  bulk_labels_categories: string[];
  bulk_labels_codes: number[];
  obs_names_head: string[];
  var_names_head: string[];
};

describe("the bundled data/pbmc68k_counts.h5ad", () => {
  it("reads as anndata reads it: 700 × 765 integer counts with 10 bulk labels", async () => {
    const a = await readH5ad("data/pbmc68k_counts.h5ad");
    expect(a.shape).toEqual([700, 765]);
    expect(a.shape).toEqual([want.n_obs, want.n_vars]);
    const X = a.X as CsrMatrix;
    expect(X.format).toBe("csr");
    expect(X.nnz).toBe(want.nnz);
    expect(X.data.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const rowSums = Array.from({ length: a.nObs }, (_, i) => X.row(i).reduce((s, v) => s + v, 0));
    expect(rowSums).toEqual(want.row_sums);
    expect(rowSums.reduce((s, v) => s + v, 0)).toBe(want.total);
    expect(a.obs.columnNames).toEqual(want.obs_columns);
    const labels = a.obs.get("bulk_labels");
    expect(labels.kind).toBe("categorical");
    if (labels.kind !== "categorical") return;
    expect(labels.categories).toHaveLength(10);
    expect(labels.categories).toEqual(want.bulk_labels_categories);
    expect(Array.from(labels.codes)).toEqual(want.bulk_labels_codes);
    expect(a.obsNames.slice(0, 5)).toEqual(want.obs_names_head);
    expect(a.varNames.slice(0, 5)).toEqual(want.var_names_head);
  });
});
