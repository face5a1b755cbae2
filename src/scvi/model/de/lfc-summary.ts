/**
 * Posterior summaries of the log fold change per gene (scvi-tools' `describe_continuous_distrib`
 * and the highest-posterior-density intervals of `credible_intervals`).
 *
 * @module
 */
import type { ScalePairs } from "./pairs.js";
import { pythonFloatRepr } from "./python-repr.js";
import { sortedQuantile } from "./quantile.js";

/** Writes gene `g`'s log2((h1 + pc) / (h2 + pc)) over all pairs into `out`. */
export function lfcColumn(pairs: ScalePairs, g: number, pseudocounts: number, out: Float64Array): Float64Array {
  const { scale1, scale2, n, nGenes } = pairs;
  for (let i = 0; i < n; i++) out[i] = Math.log2(scale1[i * nGenes + g]! + pseudocounts) - Math.log2(scale2[i * nGenes + g]! + pseudocounts);
  return out;
}

/**
 * The highest-posterior-density interval of level `level` from ascending-sorted draws: the
 * narrowest window spanning ⌊level · n⌋ steps (the first one on ties), as arviz' `hpd`.
 */
export function hpdInterval(sorted: ArrayLike<number>, level: number): [number, number] {
  const n = sorted.length;
  const inc = Math.floor(level * n);
  const nIntervals = n - inc;
  if (nIntervals <= 0) throw new Error(`credible interval level ${level} leaves no interval of ${n} draws; use a level in [0, 1)`);
  let best = 0;
  let bestWidth = Infinity;
  for (let k = 0; k < nIntervals; k++) {
    const w = sorted[k + inc]! - sorted[k]!;
    if (w < bestWidth) {
      bestWidth = w;
      best = k;
    }
  }
  return [sorted[best]!, sorted[best + inc]!];
}

/** Column names of the HPD interval bounds of `level` (scvi-tools: `str(level)[:5]`). */
export function intervalColumns(level: number): { min: `lfc_confidence_interval_${string}`; max: `lfc_confidence_interval_${string}` } {
  const tag = pythonFloatRepr(level).slice(0, 5);
  return { min: `lfc_confidence_interval_${tag}_min`, max: `lfc_confidence_interval_${tag}_max` };
}

/** Per-gene summaries of the LFC draws: mean, median, population sd, min, max, HPD bounds. */
export interface LfcSummary {
  mean: Float64Array;
  median: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Column name → per-gene bound, for each requested level. */
  intervals: Map<string, Float64Array>;
}

/** Summarises log2((h1 + pc) / (h2 + pc)) per gene over the pairs. */
export function summariseLfc(pairs: ScalePairs, pseudocounts: number, levels: readonly number[] = []): LfcSummary {
  const G = pairs.nGenes;
  const make = () => new Float64Array(G);
  const out: LfcSummary = { mean: make(), median: make(), std: make(), min: make(), max: make(), intervals: new Map() };
  const cols = levels.map((level) => ({ level, names: intervalColumns(level), lo: make(), hi: make() }));
  for (const c of cols) {
    out.intervals.set(c.names.min, c.lo);
    out.intervals.set(c.names.max, c.hi);
  }
  const col = new Float64Array(pairs.n);
  for (let g = 0; g < G; g++) {
    lfcColumn(pairs, g, pseudocounts, col);
    let s = 0;
    for (let i = 0; i < pairs.n; i++) s += col[i]!;
    const mean = s / pairs.n;
    let ss = 0;
    for (let i = 0; i < pairs.n; i++) ss += (col[i]! - mean) ** 2;
    col.sort();
    out.mean[g] = mean;
    out.std[g] = Math.sqrt(ss / pairs.n);
    out.median[g] = sortedQuantile(col, 0.5);
    out.min[g] = col[0]!;
    out.max[g] = col[pairs.n - 1]!;
    for (const c of cols) [c.lo[g], c.hi[g]] = hpdInterval(col, c.level);
  }
  return out;
}
