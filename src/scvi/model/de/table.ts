/**
 * The result table of one comparison as plain records, with scvi-tools' columns, column
 * order and row order.
 *
 * @module
 */
import type { ChangeStats, VanillaStats } from "./bayes-factors.js";
import { descending, fdrDePrediction } from "./fdr.js";
import type { ChangeDeRecord, DeComparison, DeRecord, VanillaDeRecord } from "./options.js";
import { pythonFloatRepr } from "./python-repr.js";
import type { RawCountStats } from "./raw-stats.js";

/** Everything computed for one comparison, per gene. */
export interface ComparisonStats {
  genes: readonly string[];
  /** Mean sampled scale of group 1, per gene. */
  scale1: Float64Array;
  /** Mean sampled scale of group 2, per gene. */
  scale2: Float64Array;
  /** The test: vanilla or change mode. */
  test: { mode: "vanilla"; stats: VanillaStats } | { mode: "change"; stats: ChangeStats };
  /** Raw-count statistics (`allStats`). */
  raw?: RawCountStats;
  /** Comparison labels (groups from `groupby`). */
  labels?: DeComparison;
}

/** The name of the FDR call column: `is_de_fdr_` + Python's printed `fdrTarget`. */
export function fdrColumn(fdrTarget: number): `is_de_fdr_${string}` {
  return `is_de_fdr_${pythonFloatRepr(fdrTarget)}`;
}

function record(s: ComparisonStats, g: number): DeRecord {
  const rec: Record<string, number | string | boolean> = { gene: s.genes[g]! };
  if (s.test.mode === "vanilla") {
    const v = s.test.stats;
    Object.assign(rec, { proba_m1: v.proba_m1[g]!, proba_m2: v.proba_m2[g]!, bayes_factor: v.bayes_factor[g]!, scale1: s.scale1[g]!, scale2: s.scale2[g]! });
  } else {
    const c = s.test.stats;
    Object.assign(rec, {
      proba_de: c.proba_de[g]!,
      proba_not_de: c.proba_not_de[g]!,
      bayes_factor: c.bayes_factor[g]!,
      scale1: s.scale1[g]!,
      scale2: s.scale2[g]!,
      pseudocounts: c.pseudocounts,
      delta: c.delta,
      lfc_mean: c.lfc.mean[g]!,
      lfc_median: c.lfc.median[g]!,
      lfc_std: c.lfc.std[g]!,
      lfc_min: c.lfc.min[g]!,
      lfc_max: c.lfc.max[g]!,
    });
    for (const [name, values] of c.lfc.intervals) rec[name] = values[g]!;
  }
  if (s.raw) for (const [name, values] of Object.entries(s.raw) as [string, Float64Array][]) rec[name] = values[g]!;
  return rec as unknown as DeRecord;
}

/**
 * One record per gene, sorted by decreasing `proba_de` (change) or `bayes_factor` (vanilla),
 * ties in gene order; in change mode with the `is_de_fdr_<fdrTarget>` calls; then the
 * comparison labels.
 */
export function comparisonTable(s: ComparisonStats, fdrTarget: number): DeRecord[] {
  const key = s.test.mode === "change" ? s.test.stats.proba_de : s.test.stats.bayes_factor;
  const order = s.genes.map((_, g) => g).sort((a, b) => descending(key[a]!, key[b]!));
  const rows = order.map((g) => record(s, g));
  if (s.test.mode === "change") {
    const column = fdrColumn(fdrTarget);
    const calls = fdrDePrediction(rows.map((r) => (r as ChangeDeRecord).proba_de), fdrTarget);
    rows.forEach((r, k) => ((r as ChangeDeRecord)[column] = calls[k]!));
  }
  if (s.labels) for (const r of rows) Object.assign(r, s.labels);
  return rows;
}

/** Whether a record is from `change` mode. */
export function isChangeRecord(r: DeRecord): r is ChangeDeRecord {
  return "proba_de" in r;
}

/** Whether a record is from `vanilla` mode. */
export function isVanillaRecord(r: DeRecord): r is VanillaDeRecord {
  return "proba_m1" in r;
}
