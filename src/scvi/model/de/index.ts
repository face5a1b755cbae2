/**
 * Differential expression (scvi-tools' `differential_expression`): group selection, the
 * posterior scale sampler, Bayes factors and LFC summaries, FDR calls and the result table.
 *
 * @module
 */
export { differentialExpression, type DeModel } from "./differential-expression.js";
export {
  type DifferentialExpressionOptions,
  type DeMode,
  type GroupValue,
  type CellSelector,
  type DeRecord,
  type DeRecordBase,
  type VanillaDeRecord,
  type ChangeDeRecord,
  type DeRawStats,
  type DeComparison,
  type DeResult,
} from "./options.js";
export { selectComparisons, groupColumn, findGroup, type CellGroups, type GroupColumn } from "./groups.js";
export { sampleScales, meanScale, choiceWithReplacement, chooseDraws, type ScaleSource, type ScaleSamples, type ScaleSamplerOptions } from "./scale-sampler.js";
export { pairScales, type ScalePairs, type PairOptions } from "./pairs.js";
export { vanillaStats, changeStats, logBayesFactor, BAYES_FACTOR_EPS, type VanillaStats, type ChangeStats, type ChangeOptions } from "./bayes-factors.js";
export { summariseLfc, hpdInterval, forEachLfcColumn, intervalColumns, type LfcSummary } from "./lfc-summary.js";
export { estimatePseudocounts } from "./pseudocounts.js";
export { estimateDelta, fitMixture1d, type Mixture1d } from "./estimate-delta.js";
export { fdrDePrediction } from "./fdr.js";
export { rawCountStats, columnMeans, librarySizes, type RawCountStats } from "./raw-stats.js";
export { comparisonTable, fdrColumn, isChangeRecord, isVanillaRecord, type ComparisonStats } from "./table.js";
export { pythonFloatRepr } from "./python-repr.js";
export { sortedQuantile, sortedMedian, quantile, selectKth, medianInPlace } from "./quantile.js";
