/**
 * Models: the user-facing classes (`SCVI`) and their base with save/load.
 * @module
 */
export { BaseModelClass, defaultMaxEpochs, type CellSelection, type TrainOptions, type TrainingPlanClass, type ModelClass } from "./base/base-model.js";
export { type ModelFile, type WeightEntry } from "./base/model-files.js";
export { at, row, type PlainMatrix } from "./base/plain-data.js";
export { SCVI, type SCVIOptions, type NormalizedExpressionOptions } from "./scvi.js";
export { type ScviSetupArgs } from "./scvi-setup.js";
export {
  differentialExpression,
  fdrDePrediction,
  type DeModel,
  type DifferentialExpressionOptions,
  type DeMode,
  type GroupValue,
  type CellSelector,
  type DeRecord,
  type VanillaDeRecord,
  type ChangeDeRecord,
  type DeResult,
} from "./de/index.js";
