/**
 * The single-cell data layer: `AnnData` and its matrices and tables, `.h5ad` and Cell Ranger
 * readers and writers, the declarative `AnnDataManager`, and the splitter and loader that
 * turn registered data into minibatches.
 *
 * @module
 */
export { AnnData, type AnnDataInit, type UnsDict, type UnsValue } from "./anndata.js";
export {
  DataFrame,
  numericColumn,
  booleanColumn,
  stringColumn,
  categoricalColumn,
  columnValue,
  compareCodePoints,
  type Column,
  type NumericColumn,
  type BooleanColumn,
  type StringColumn,
  type CategoricalColumn,
  type NumericDtype,
} from "./dataframe.js";
export { CsrMatrix } from "./matrix/csr-matrix.js";
export { DenseMatrix } from "./matrix/dense-matrix.js";
export { isSparse, findFirst, type Matrix } from "./matrix/matrix.js";
export { toIndices, range, type Selection } from "./selection.js";

export { readH5ad } from "./h5/read-h5ad.js";
export { writeH5ad, type WriteH5adOptions } from "./h5/write-h5ad.js";
export { decodableFilters } from "./h5/h5wasm.js";
export { read10xH5, type Read10xH5Options } from "./io/read-10x-h5.js";
export { read10xMtx, type Read10xMtxOptions } from "./io/read-10x-mtx.js";
export { readMatrixMarket } from "./io/matrix-market.js";
export { makeUnique } from "./io/make-unique.js";

export {
  REGISTRY_KEYS,
  SCVI_UUID_KEY,
  MANAGER_UUID_KEY,
  countStatKey,
  type Registry,
  type FieldRegistry,
  type DataRegistry,
  type JsonObject,
  type JsonValue,
} from "./manager/registry.js";
export { AnnDataManager, type SetupMethodArgs } from "./manager/anndata-manager.js";
export { AnnDataField, type TransferOptions } from "./fields/field.js";
export { LayerField, type LayerFieldOptions } from "./fields/layer-field.js";
export { CategoricalObsField } from "./fields/categorical-obs-field.js";
export { NumericalObsField } from "./fields/numerical-obs-field.js";
export { CategoricalJointObsField, NumericalJointObsField } from "./fields/joint-obs-fields.js";
export { ObsmField, type ObsmFieldOptions } from "./fields/obsm-field.js";
export type { CategoryValue } from "./fields/categorical.js";

export {
  DataSplitter,
  validateDataSplit,
  validateExternalIndexing,
  DEFAULT_BATCH_SIZE,
  type DataSplitterOptions,
  type ExternalIndexing,
  type SplitSizes,
} from "./loaders/data-splitter.js";
export { AnnDataLoader, type AnnDataLoaderOptions } from "./loaders/anndata-loader.js";
