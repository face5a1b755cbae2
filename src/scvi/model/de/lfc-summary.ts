/**
 * Posterior summaries of the log fold change per gene (scvi-tools' `describe_continuous_distrib`
 * and the highest-posterior-density intervals of `credible_intervals`).
 *
 * @module
 */
import type { ScalePairs } from "./pairs.js";
import { pythonFloatRepr } from "./python-repr.js";
import { medianInPlace, sortedMedian } from "./quantile.js";

/**
 * Calls `fn(g, lfc)` for every gene with its log2((h1 + pc) / (h2 + pc)) over all pairs. The
 * draws are read a block of genes at a time (row-major input, gene-major output), so each
 * gene's column is contiguous; `fn` may reorder `lfc` in place.
 */
export function forEachLfcColumn(pairs: ScalePairs, pseudocounts: number, fn: (g: number, lfc: Float64Array) => void, block = 32): void {
  const { scale1, scale2, n, nGenes } = pairs;
  const buf = new Float64Array(Math.min(block, nGenes) * n);
  for (let g0 = 0; g0 < nGenes; g0 += block) {
    const w = Math.min(block, nGenes - g0);
    for (let i = 0; i < n; i++) {
      const o = i * nGenes + g0;
      for (let j = 0; j < w; j++) buf[j * n + i] = Math.log2(scale1[o + j]! + pseudocounts) - Math.log2(scale2[o + j]! + pseudocounts);
    }
    for (let j = 0; j < w; j++) fn(g0 + j, buf.subarray(j * n, (j + 1) * n));
  }
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
  /** Mean per gene. */
  mean: Float64Array;
  /** Median per gene (NumPy's: mean of the two middle draws for even counts). */
  median: Float64Array;
  /** Population standard deviation per gene. */
  std: Float64Array;
  /** Smallest draw per gene. */
  min: Float64Array;
  /** Largest draw per gene. */
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
  forEachLfcColumn(pairs, pseudocounts, (g, col) => {
    const n = col.length;
    let s = 0;
    for (let i = 0; i < n; i++) s += col[i]!;
    const mean = s / n;
    let ss = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      ss += (v - mean) ** 2;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    out.mean[g] = mean;
    out.std[g] = Math.sqrt(ss / n);
    out.min[g] = min;
    out.max[g] = max;
    if (cols.length === 0) {
      out.median[g] = medianInPlace(col);
      return;
    }
    col.sort();
    out.median[g] = sortedMedian(col);
    for (const c of cols) [c.lo[g], c.hi[g]] = hpdInterval(col, c.level);
  });
  return out;
}
