/**
 * The hypothesis tests on paired posterior draws (the core of scvi-tools'
 * `DifferentialComputation.get_bayes_factors`).
 *
 * @module
 */
import { estimateDelta } from "./estimate-delta.js";
import { forEachLfcColumn, summariseLfc, type LfcSummary } from "./lfc-summary.js";
import type { ScalePairs } from "./pairs.js";

/** Added to both probabilities before the log of the Bayes factor. */
export const BAYES_FACTOR_EPS = 1e-8;

/** log(p + ε) − log(1 − p + ε): the log Bayes factor of a hypothesis with posterior probability p. */
export function logBayesFactor(p: number): number {
  return Math.log(p + BAYES_FACTOR_EPS) - Math.log(1 - p + BAYES_FACTOR_EPS);
}

/** Vanilla mode per gene: p(M1) = p(h1 > h2), p(M2), and the Bayes factor. */
export interface VanillaStats {
  /** p(h1 > h2) per gene. */
  proba_m1: Float64Array;
  /** 1 − proba_m1. */
  proba_m2: Float64Array;
  /** {@link logBayesFactor} of proba_m1. */
  bayes_factor: Float64Array;
}

/** Vanilla mode (Lopez et al. 2018): the fraction of pairs in which group 1's scale is larger. */
export function vanillaStats(pairs: ScalePairs): VanillaStats {
  const { scale1, scale2, n, nGenes } = pairs;
  const greater = new Float64Array(nGenes);
  for (let i = 0; i < n; i++) {
    const o = i * nGenes;
    for (let g = 0; g < nGenes; g++) if (scale1[o + g]! > scale2[o + g]!) greater[g]++;
  }
  const proba_m1 = greater.map((c) => c / n);
  return { proba_m1, proba_m2: proba_m1.map((p) => 1 - p), bayes_factor: proba_m1.map(logBayesFactor) };
}

/** Options of {@link changeStats}. */
export interface ChangeOptions {
  /** |LFC| threshold; `null` estimates it from the genes' mean LFCs. */
  delta: number | null;
  /** Offset added to the scales before the log. */
  pseudocounts: number;
  /** `three`: p(DE) = max(p(up), p(down)); `two`: their sum. */
  testMode: "two" | "three";
  /** HPD interval levels of the LFC to report. */
  credIntervalLvls?: readonly number[];
}

/** Change mode per gene: p(DE), its complement and Bayes factor, δ, the pseudocounts, LFC summaries. */
export interface ChangeStats {
  /** p(DE) per gene. */
  proba_de: Float64Array;
  /** 1 − proba_de. */
  proba_not_de: Float64Array;
  /** {@link logBayesFactor} of proba_de. */
  bayes_factor: Float64Array;
  /** The offset used in the test. */
  pseudocounts: number;
  /** The threshold used (estimated when `null` was given). */
  delta: number;
  /** Summaries of the LFC draws (with pseudocounts × 1e-3). */
  lfc: LfcSummary;
}

/**
 * Change mode (Boyeau et al. 2019): with r = log2(h1 + pc) − log2(h2 + pc) per pair, p(up) is
 * the fraction of pairs with r ≥ δ and p(down) with r < −δ. The LFC summaries use the
 * pseudocounts × 1e-3, as scvi-tools does, so they estimate the LFC itself.
 */
export function changeStats(pairs: ScalePairs, options: ChangeOptions): ChangeStats {
  const { n, nGenes } = pairs;
  const pc = options.pseudocounts;
  let delta = options.delta;
  if (delta === null) {
    const means = new Float64Array(nGenes);
    forEachLfcColumn(pairs, pc, (g, col) => (means[g] = col.reduce((s, v) => s + v, 0) / n));
    delta = estimateDelta(means);
  }
  const threshold = delta;
  const proba_de = new Float64Array(nGenes);
  forEachLfcColumn(pairs, pc, (g, col) => {
    let up = 0;
    let down = 0;
    for (let i = 0; i < n; i++) {
      if (col[i]! >= threshold) up++;
      if (col[i]! < -threshold) down++;
    }
    proba_de[g] = options.testMode === "two" ? up / n + down / n : Math.max(up, down) / n;
  });
  return {
    proba_de,
    proba_not_de: proba_de.map((p) => 1 - p),
    bayes_factor: proba_de.map(logBayesFactor),
    pseudocounts: pc,
    delta,
    lfc: summariseLfc(pairs, 1e-3 * pc, options.credIntervalLvls),
  };
}
