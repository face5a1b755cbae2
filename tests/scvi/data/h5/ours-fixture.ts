/**
 * The AnnData objects behind tests/fixtures/h5ad/ours_*.h5ad: written by
 * scripts/fixtures/write_h5ad_ours.ts (then read by Python's anndata during fixture
 * generation), and rebuilt by the tests to check that writeH5ad still writes the same file.
 * Deterministic: a fixed linear congruential generator, no global randomness.
 */
import { AnnData } from "../../../../src/scvi/data/anndata.js";
import {
  booleanColumn,
  categoricalColumn,
  DataFrame,
  numericColumn,
  stringColumn,
} from "../../../../src/scvi/data/dataframe.js";
import { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../../src/scvi/data/matrix/dense-matrix.js";
import type { WriteH5adOptions } from "../../../../src/scvi/data/h5/write-h5ad.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Small integer counts with about half zeros. */
function counts(nObs: number, nVars: number, seed: number): DenseMatrix {
  const u = lcg(seed);
  const data = new Float32Array(nObs * nVars);
  for (let k = 0; k < data.length; k++) data[k] = u() < 0.5 ? 0 : Math.floor(u() * 6);
  return new DenseMatrix([nObs, nVars], data);
}

function full(withCategoricals: boolean): AnnData {
  const nObs = 9;
  const nVars = 6;
  const u = lcg(7);
  const X = counts(nObs, nVars, 11);
  const cols: Record<string, ReturnType<typeof numericColumn> | ReturnType<typeof stringColumn> | ReturnType<typeof booleanColumn> | ReturnType<typeof categoricalColumn>> = {};
  if (withCategoricals) {
    cols.batch = categoricalColumn(["b", "a", "a", "c", null, "b", "a", "c", "b"]);
    cols.stage = categoricalColumn(["late", "early", "mid", "early", "late", "mid", "early", "early", "late"], {
      categories: ["early", "mid", "late"],
      ordered: true,
    });
  }
  cols.n_counts = numericColumn(Array.from({ length: nObs }, (_, i) => X.row(i).reduce((a, b) => a + b, 0)), "float64");
  cols.score = numericColumn(Array.from({ length: nObs }, () => Math.fround(u() * 2 - 1)), "float32");
  cols.n_genes = numericColumn(Array.from({ length: nObs }, (_, i) => X.row(i).filter((x) => x > 0).length), "int64");
  cols.plate = numericColumn([1, 1, 2, 2, 3, 3, 4, 4, 5], "int32");
  cols.with_nan = numericColumn([0.5, NaN, 1.5, 2, NaN, 3, 4, 5, 6], "float64");
  cols.donor = stringColumn(Array.from({ length: nObs }, (_, i) => `donor-${i % 4}`));
  cols.is_doublet = booleanColumn(Array.from({ length: nObs }, (_, i) => i % 3 === 0));
  const obs = new DataFrame(
    Array.from({ length: nObs }, (_, i) => `cell-${i}`),
    cols,
  );
  const varFrame = new DataFrame(
    ["CD3E", "MS4A1", "Gène-α", "NKG7", "LYZ", "GNLY"],
    {
      gene_ids: stringColumn(["ENSG1", "ENSG2", "ENSG3", "ENSG4", "ENSG5", "ENSG6"]),
      mean: numericColumn([0.5, 1.25, 0, 3, 2.5, 1], "float64"),
      highly_variable: booleanColumn([true, false, true, true, false, false]),
    },
  );
  const pca = new DenseMatrix([nObs, 3], Float32Array.from({ length: nObs * 3 }, () => Math.fround(u() * 4 - 2)));
  const loadings = new DenseMatrix([nVars, 2], Float32Array.from({ length: nVars * 2 }, () => Math.fround(u())));
  return new AnnData({
    X: CsrMatrix.fromDense(X),
    obs,
    var: varFrame,
    obsm: { X_pca: pca },
    varm: { PCs: loadings },
    layers: { counts: CsrMatrix.fromDense(X), log1p: new DenseMatrix(X.shape, X.data.map((x) => Math.fround(Math.log1p(x)))) },
    uns: {
      title: "ours ✓",
      n_pcs: 3,
      resolution: 0.75,
      big: 2 ** 40,
      flag: true,
      weights: [0.25, 0.5, 0.25],
      counts: [3, 1, 4],
      names: ["x", "y", "z"],
      mask: [true, false],
      grid: [
        [1.5, 2],
        [3, 4.25],
      ],
      params: { method: "leiden", nested: { depth: 2, scale: 1.5 } },
    },
  });
}

function denseOnly(): AnnData {
  return new AnnData({ X: counts(7, 4, 23) });
}

/** Each committed file: its name, the AnnData, and the writeH5ad options. */
export const OURS_FIXTURES: { name: string; build: () => AnnData; options: WriteH5adOptions }[] = [
  { name: "ours_full", build: () => full(true), options: {} },
  { name: "ours_full_v020_nocat", build: () => full(false), options: { dataframeEncoding: "0.2.0" } },
  { name: "ours_dense_gzip", build: denseOnly, options: { compression: "gzip" } },
];
