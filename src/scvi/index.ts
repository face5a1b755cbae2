/**
 * scvi-ts/scvi: the scvi-tools architecture — data (AnnData, fields, registry, loaders),
 * neural-network blocks, modules (plain and Pyro-style), training plans and trainer, and
 * models (SCVI).
 *
 * @module
 */
export {
  AnnData,
  DataFrame,
  CsrMatrix,
  DenseMatrix,
  numericColumn,
  booleanColumn,
  stringColumn,
  categoricalColumn,
  columnValue,
  isSparse,
  readH5ad,
  writeH5ad,
  read10xH5,
  read10xMtx,
  readMatrixMarket,
  REGISTRY_KEYS,
  AnnDataManager,
  AnnDataField,
  LayerField,
  CategoricalObsField,
  NumericalObsField,
  CategoricalJointObsField,
  NumericalJointObsField,
  ObsmField,
  DataSplitter,
  validateDataSplit,
  AnnDataLoader,
  DEFAULT_BATCH_SIZE,
  type AnnDataInit,
  type UnsDict,
  type UnsValue,
  type Column,
  type NumericColumn,
  type BooleanColumn,
  type StringColumn,
  type CategoricalColumn,
  type NumericDtype,
  type Matrix,
  type Selection,
  type WriteH5adOptions,
  type Read10xH5Options,
  type Read10xMtxOptions,
  type Registry,
  type FieldRegistry,
  type DataRegistry,
  type JsonObject,
  type JsonValue,
  type LayerFieldOptions,
  type ObsmFieldOptions,
  type ExternalIndexing,
  type SplitSizes,
  type TransferOptions,
  type SetupMethodArgs,
  type DataSplitterOptions,
  type AnnDataLoaderOptions,
} from "./data/index.js";
export * from "./nn/index.js";
export * from "./module/index.js";
export * from "./train/index.js";
export * from "./model/index.js";
export {
  AmortizedLDA,
  pyroDefaultMaxEpochs,
  type AmortizedLDAOptions,
  type PosteriorSummaryOptions,
} from "./model/amortized-lda.js";
export {
  AmortizedLDAPyroModule,
  AMORTIZED_LDA_SITES,
  type AmortizedLDAModuleOptions,
  type AmortizedLDAArgs,
  type DirichletPrior,
} from "./module/amortized-lda.js";
export { BagOfWords, topicMixtureLogProbs, type BagOfWordsOptions } from "./module/bag-of-words.js";
export { logisticNormalApproximation, logisticNormalMean, type LogisticNormalParams } from "./module/logistic-normal.js";
export * from "./metrics/index.js";
export * from "./plot/index.js";
