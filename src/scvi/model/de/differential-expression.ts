/**
 * Differential expression for a model with normalized expression (scvi-tools' `_de_core`
 * driving `DifferentialComputation`): for each comparison, sample both groups' posterior
 * scales, pair them, test, and tabulate.
 *
 * @module
 */
import { RandomStream, withRandomStream } from "../../../backend/random.js";
import type { AnnDataManager } from "../../data/manager/anndata-manager.js";
import { REGISTRY_KEYS } from "../../data/manager/registry.js";
import { changeStats, vanillaStats } from "./bayes-factors.js";
import { selectComparisons, type CellGroups } from "./groups.js";
import type { DeRecord, DeResult, DifferentialExpressionOptions } from "./options.js";
import { pairScales } from "./pairs.js";
import { estimatePseudocounts } from "./pseudocounts.js";
import { columnMeans, librarySizes, rawCountStats } from "./raw-stats.js";
import { meanScale, sampleScales, type ScaleSource } from "./scale-sampler.js";
import { comparisonTable, type ComparisonStats } from "./table.js";

/** What differential expression needs of a model: its data manager and normalized expression. */
export interface DeModel extends ScaleSource {
  /** The registered data (counts for the raw statistics, the `groupby` column). */
  readonly adataManager: AnnDataManager;
}

type Batches = readonly (string | number | undefined)[];

function checkOptions(o: DifferentialExpressionOptions): void {
  const mode = o.mode ?? "vanilla";
  if (mode !== "vanilla" && mode !== "change") throw new Error(`differentialExpression: mode must be "vanilla" or "change", got "${String(mode)}"`);
  if (o.weights !== undefined && o.weights !== "uniform") {
    throw new Error(`differentialExpression: weights "${String(o.weights)}" is not supported; only "uniform"`);
  }
  const n = o.nSamplesOverall ?? 5000;
  if (!Number.isInteger(n) || n < 1) throw new Error(`differentialExpression: nSamplesOverall must be a positive integer, got ${n}`);
  const fdr = o.fdrTarget ?? 0.05;
  if (!(fdr >= 0 && fdr <= 1)) throw new Error(`differentialExpression: fdrTarget must be in [0, 1], got ${fdr}`);
  if (o.delta !== undefined && o.delta !== null && !Number.isFinite(o.delta)) throw new Error(`differentialExpression: delta must be a number or null, got ${o.delta}`);
  if (o.testMode !== undefined && o.testMode !== "two" && o.testMode !== "three") {
    throw new Error(`differentialExpression: testMode must be "two" or "three", got "${String(o.testMode)}"`);
  }
}

/** The batches each group is decoded in: every batch (or `batchid`) with batch correction, else each cell's own. */
function batchPolicy(manager: AnnDataManager, o: DifferentialExpressionOptions): { batches1: Batches; batches2: Batches } {
  if (!o.batchCorrection) {
    if (o.batchid1 !== undefined || o.batchid2 !== undefined) {
      throw new Error("differentialExpression: batchid1 / batchid2 choose batches to decode in and need batchCorrection: true (inconsistent batch policy)");
    }
    return { batches1: [undefined], batches2: [undefined] };
  }
  const mapping = (manager.getStateRegistry(REGISTRY_KEYS.BATCH_KEY).categoricalMapping ?? []) as (string | number)[];
  for (const [name, list] of [["batchid1", o.batchid1], ["batchid2", o.batchid2]] as const) {
    if (list !== undefined && list.length === 0) throw new Error(`differentialExpression: ${name} is empty`);
  }
  return { batches1: o.batchid1 ?? mapping, batches2: o.batchid2 ?? mapping };
}

function compare(model: DeModel, groups: CellGroups, o: DifferentialExpressionOptions, batches: { batches1: Batches; batches2: Batches }, library: () => Float64Array): ComparisonStats {
  const nSamplesOverall = o.nSamplesOverall ?? 5000;
  const batchSize = o.batchSize;
  const s1 = sampleScales(model, groups.cells1, { batches: batches.batches1, nSamplesOverall, batchSize });
  const s2 = sampleScales(model, groups.cells2, { batches: batches.batches2, nSamplesOverall, batchSize });
  const pairs = pairScales(s1, s2, { useObservedBatches: !o.batchCorrection, usePermutation: o.usePermutation ?? false, mPermutation: o.mPermutation ?? 10000 });
  const x = model.adataManager.getFromRegistry(REGISTRY_KEYS.X_KEY);
  let test: ComparisonStats["test"];
  if ((o.mode ?? "vanilla") === "vanilla") {
    test = { mode: "vanilla", stats: vanillaStats(pairs) };
  } else {
    let pseudocounts = o.pseudocounts;
    if (pseudocounts === undefined) {
      const threshold = o.thresholdCounts ?? 0.01;
      const off = (cells: Int32Array) => Array.from(columnMeans(x, cells), (m) => m < threshold);
      pseudocounts = estimatePseudocounts(pairs, off(groups.cells1), off(groups.cells2), 0.9);
    }
    const delta = o.delta === undefined ? 0.25 : o.delta;
    test = { mode: "change", stats: changeStats(pairs, { delta, pseudocounts, testMode: o.testMode ?? "three", credIntervalLvls: o.credIntervalLvls ?? [] }) };
  }
  return {
    genes: model.adataManager.adata!.varNames,
    scale1: meanScale(s1),
    scale2: meanScale(s2),
    test,
    ...((o.allStats ?? true) ? { raw: rawCountStats(x, groups.cells1, groups.cells2, library()) } : {}),
    ...(groups.labels ? { labels: groups.labels } : {}),
  };
}

/**
 * Bayesian differential expression between groups of cells, as scvi-tools'
 * `differential_expression`: one record per gene and comparison, each comparison's rows
 * sorted by decreasing evidence. Draws come from the seeded stream (`setSeed`, or `seed`).
 *
 * @example
 * ```ts
 * const rows = differentialExpression(model, { groupby: "cell_type", group1: "B", mode: "change" });
 * rows.filter((r) => r["is_de_fdr_0.05"]).map((r) => r.gene);
 * ```
 */
export function differentialExpression<O extends DifferentialExpressionOptions>(model: DeModel, options: O): DeResult<O>[] {
  checkOptions(options);
  const run = (): DeRecord[] => {
    const manager = model.adataManager;
    const comparisons = selectComparisons(manager.adata!.obs, options);
    const batches = batchPolicy(manager, options);
    let library: Float64Array | undefined;
    const getLibrary = () => (library ??= librarySizes(manager.getFromRegistry(REGISTRY_KEYS.X_KEY)));
    return comparisons.flatMap((groups) => comparisonTable(compare(model, groups, options, batches, getLibrary), options.fdrTarget ?? 0.05));
  };
  const rows = options.seed === undefined ? run() : withRandomStream(new RandomStream(options.seed), run);
  return rows as DeResult<O>[];
}
