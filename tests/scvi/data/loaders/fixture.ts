/** A registered AnnData for loader and splitter tests: cell i has obs column `idx` = i. */
import { AnnData } from "../../../../src/scvi/data/anndata.js";
import { categoricalColumn, DataFrame, numericColumn } from "../../../../src/scvi/data/dataframe.js";
import { CategoricalObsField } from "../../../../src/scvi/data/fields/categorical-obs-field.js";
import { LayerField } from "../../../../src/scvi/data/fields/layer-field.js";
import { NumericalObsField } from "../../../../src/scvi/data/fields/numerical-obs-field.js";
import { AnnDataManager } from "../../../../src/scvi/data/manager/anndata-manager.js";
import { REGISTRY_KEYS } from "../../../../src/scvi/data/manager/registry.js";
import { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../../src/scvi/data/matrix/dense-matrix.js";

/** The count of gene j in cell i: a pattern with zeros, so each row is recognisable. */
export function countAt(i: number, j: number): number {
  return (i * 31 + j * 17) % 7 < 3 ? 0 : ((i + 2 * j) % 9) + 1;
}

export function registeredManager(nObs: number, nVars: number, sparse = true): AnnDataManager {
  const dense = new DenseMatrix([nObs, nVars], Float32Array.from({ length: nObs * nVars }, (_, k) => countAt(Math.floor(k / nVars), k % nVars)));
  const adata = new AnnData({
    X: sparse ? CsrMatrix.fromDense(dense) : dense,
    obs: new DataFrame(
      Array.from({ length: nObs }, (_, i) => `c${i}`),
      {
        idx: numericColumn(Array.from({ length: nObs }, (_, i) => i)),
        batch: categoricalColumn(Array.from({ length: nObs }, (_, i) => ["x", "y", "z"][i % 3])),
      },
    ),
  });
  const m = new AnnDataManager([
    new LayerField(REGISTRY_KEYS.X_KEY, null),
    new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, "batch"),
    new NumericalObsField("idx", "idx"),
  ]);
  const warn = console.warn;
  console.warn = () => {}; // tiny categories warn; not the subject here
  try {
    m.registerFields(adata);
  } finally {
    console.warn = warn;
  }
  return m;
}
