/**
 * The statistics of differential expression against scvi-tools' formulas (re-implemented in
 * NumPy / pandas by scripts/fixtures/gen_de.py, fixture tests/fixtures/de.json) and against
 * hand computations and properties.
 */
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { setSeed } from "../../../src/backend/random.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";
import { CsrMatrix } from "../../../src/scvi/data/matrix/csr-matrix.js";
import {
  changeStats,
  comparisonTable,
  estimateDelta,
  estimatePseudocounts,
  fdrDePrediction,
  fitMixture1d,
  hpdInterval,
  logBayesFactor,
  medianInPlace,
  selectKth,
  pairScales,
  pythonFloatRepr,
  quantile,
  rawCountStats,
  sortedMedian,
  summariseLfc,
  vanillaStats,
  type ScalePairs,
  type ScaleSamples,
} from "../../../src/scvi/model/de/index.js";

interface Fixture {
  nGenes: number;
  nDraws: number;
  scales1: number[];
  scales2: number[];
  vanilla: Record<string, number[]>;
  change: { delta: number; pseudocounts: number; testMode: "two" | "three"; levels: number[]; stats: Record<string, number[] | number> }[];
  pseudocounts: { zero1: boolean[]; zero2: boolean[]; value: number }[];
  batchPairing: { batch1: string[]; batch2: string[]; vanilla: Record<string, number[]> };
  fdr: { probas: number[]; fdr: number; calls: boolean[] }[];
  raw: { nCells: number; counts: number[]; idx1: number[]; idx2: number[]; stats: Record<string, number[]> };
  tables: Record<"vanilla" | "change", { columns: string[]; records: Record<string, number | string | boolean>[] }>;
  pythonRepr: { x: number; repr: string; str5: string }[];
  quantiles: { values: number[]; q: number[]; expected: number[]; median: number }[];
}

const fx = JSON.parse(readFileSync(new URL("../../fixtures/de.json", import.meta.url), "utf8")) as Fixture;
const G = fx.nGenes;
const pairs: ScalePairs = { scale1: Float32Array.from(fx.scales1), scale2: Float32Array.from(fx.scales2), n: fx.nDraws, nGenes: G };

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number, abs = 0): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    if (Math.abs(a - e) > abs + rel * Math.abs(e)) expect.fail(`index ${i}: ${a} vs ${e}`);
  }
}

describe("vanilla mode", () => {
  it("matches scvi-tools' p(h1 > h2) and Bayes factors exactly", () => {
    const v = vanillaStats(pairs);
    close(v.proba_m1, fx.vanilla.proba_m1!, 0);
    close(v.proba_m2, fx.vanilla.proba_m2!, 1e-15);
    close(v.bayes_factor, fx.vanilla.bayes_factor!, 1e-12);
  });

  it("counts ties as h1 ≤ h2 (gene 11 has identical draws)", () => {
    expect(vanillaStats(pairs).proba_m1[11]).toBe(0);
  });

  it("computes the Bayes factor by hand: p = 0.75 → log(0.75 + 1e-8) − log(0.25 + 1e-8)", () => {
    const scale1 = Float32Array.from([2, 2, 2, 0]);
    const scale2 = Float32Array.from([1, 1, 1, 1]);
    const v = vanillaStats({ scale1, scale2, n: 4, nGenes: 1 });
    expect(v.proba_m1[0]).toBe(0.75);
    expect(v.bayes_factor[0]).toBeCloseTo(Math.log(0.75 + 1e-8) - Math.log(0.25 + 1e-8), 14);
    expect(logBayesFactor(1)).toBeCloseTo(Math.log(1 + 1e-8) - Math.log(1e-8), 10);
    expect(logBayesFactor(0.5)).toBe(0);
  });
});

describe("change mode", () => {
  it.each(fx.change.map((c, i) => [i, c] as const))("matches scvi-tools' p(DE), LFC summaries and HPD intervals (case %i)", (_i, c) => {
    const s = changeStats(pairs, { delta: c.delta, pseudocounts: c.pseudocounts, testMode: c.testMode, credIntervalLvls: c.levels });
    const e = c.stats;
    close(s.proba_de, e.proba_de as number[], 0);
    close(s.proba_not_de, e.proba_not_de as number[], 1e-15);
    close(s.bayes_factor, e.bayes_factor as number[], 1e-12);
    expect(s.delta).toBe(e.delta);
    expect(s.pseudocounts).toBe(e.pseudocounts);
    // scvi-tools' LFCs are float32; ours float64 from the same float32 scales.
    close(s.lfc.mean, e.lfc_mean as number[], 1e-5, 1e-5);
    close(s.lfc.median, e.lfc_median as number[], 1e-5, 1e-5);
    close(s.lfc.std, e.lfc_std as number[], 1e-4, 1e-5);
    close(s.lfc.min, e.lfc_min as number[], 1e-5, 1e-5);
    close(s.lfc.max, e.lfc_max as number[], 1e-5, 1e-5);
    const expectedIntervals = Object.keys(e).filter((k) => k.startsWith("lfc_confidence_interval_"));
    expect([...s.lfc.intervals.keys()].sort()).toEqual(expectedIntervals.sort());
    for (const k of expectedIntervals) close(s.lfc.intervals.get(k)!, e[k] as number[], 1e-5, 1e-5);
  });

  it("computes p(DE) and the LFC summaries by hand", () => {
    // One gene, four pairs with log2 ratios 2, 1, 0, −3 (pseudocounts 0).
    const scale1 = Float32Array.from([4, 2, 1, 1]);
    const scale2 = Float32Array.from([1, 1, 1, 8]);
    const p = { scale1, scale2, n: 4, nGenes: 1 };
    const three = changeStats(p, { delta: 0.5, pseudocounts: 0, testMode: "three" });
    expect(three.proba_de[0]).toBe(0.5); // up: 2 of 4, down: 1 of 4
    const two = changeStats(p, { delta: 0.5, pseudocounts: 0, testMode: "two" });
    expect(two.proba_de[0]).toBe(0.75);
    // δ is inclusive upwards (r ≥ δ) and strict downwards (r < −δ).
    expect(changeStats(p, { delta: 1, pseudocounts: 0, testMode: "two" }).proba_de[0]).toBe(0.75);
    expect(changeStats(p, { delta: 3, pseudocounts: 0, testMode: "two" }).proba_de[0]).toBe(0);
    expect(three.lfc.mean[0]).toBeCloseTo(0, 12);
    expect(three.lfc.median[0]).toBeCloseTo(0.5, 12);
    expect(three.lfc.std[0]).toBeCloseTo(Math.sqrt((4 + 1 + 0 + 9) / 4), 12);
    expect(three.lfc.min[0]).toBe(-3);
    expect(three.lfc.max[0]).toBe(2);
  });

  it("uses pseudocounts × 1e-3 for the LFC summaries and the full pseudocounts for p(DE)", () => {
    const scale1 = Float32Array.from([0.001, 0.001]);
    const scale2 = Float32Array.from([0.0005, 0.0005]);
    const s = changeStats({ scale1, scale2, n: 2, nGenes: 1 }, { delta: 0.5, pseudocounts: 0.01, testMode: "three" });
    const fullLfc = Math.log2(0.011) - Math.log2(0.0105);
    expect(fullLfc).toBeLessThan(0.5);
    expect(s.proba_de[0]).toBe(0); // shrunk by the pseudocounts
    expect(s.lfc.mean[0]).toBeCloseTo(Math.log2(Math.fround(0.001) + 1e-5) - Math.log2(Math.fround(0.0005) + 1e-5), 10);
  });

  it("estimates δ from the genes' mean LFCs when delta is null", () => {
    const s = changeStats(pairs, { delta: null, pseudocounts: 0, testMode: "three" });
    const means = summariseLfc(pairs, 0).mean;
    expect(s.delta).toBeCloseTo(estimateDelta(means), 12);
    expect(s.delta).toBeGreaterThanOrEqual(0.1);
  });
});

describe("pseudocounts", () => {
  it.each(fx.pseudocounts.map((c, i) => [i, c] as const))("match scvi-tools' estimate_pseudocounts_offset (case %i)", (_i, c) => {
    // NumPy takes the quantile of float32 maxima; ours is float64 of the same values.
    close([estimatePseudocounts(pairs, c.zero1, c.zero2)], [c.value], 1e-6);
  });

  it("rejects masks of the wrong length", () => {
    expect(() => estimatePseudocounts(pairs, [true], [false])).toThrow(/masks have 1 and 1 genes, the scales 12/);
  });
});

describe("batch-corrected pairing", () => {
  const samples = (scale: Float32Array, batch: string[]): ScaleSamples => ({ scale, nGenes: G, batch });

  it("pairs draws decoded in the same batch, as scvi-tools", () => {
    const p = pairScales(samples(pairs.scale1, fx.batchPairing.batch1), samples(pairs.scale2, fx.batchPairing.batch2), { useObservedBatches: false });
    close(vanillaStats(p).proba_m1, fx.batchPairing.vanilla.proba_m1!, 0);
    close(vanillaStats(p).bayes_factor, fx.batchPairing.vanilla.bayes_factor!, 1e-12);
  });

  it("pairs in order without batch correction", () => {
    const nulls = new Array<string | null>(fx.nDraws).fill(null);
    const p = pairScales(samples(pairs.scale1, nulls as string[]), samples(pairs.scale2, nulls as string[]), { useObservedBatches: true });
    close(vanillaStats(p).proba_m1, fx.vanilla.proba_m1!, 0);
  });

  it("resamples mPermutation pairs with usePermutation, split over batches", () => {
    setSeed(5);
    const p = pairScales(samples(pairs.scale1, fx.batchPairing.batch1), samples(pairs.scale2, fx.batchPairing.batch2), { useObservedBatches: false, usePermutation: true, mPermutation: 501 });
    expect(p.n).toBe(500);
    // Gene 11's draws are equal in both groups only pair by pair: resampled pairs mix them.
    expect(vanillaStats(p).proba_m1[11]).toBeGreaterThan(0.2);
  });

  it("refuses to pair groups with different numbers of draws", () => {
    const a = samples(new Float32Array(3 * G), ["x", "x", "x"]);
    const b = samples(new Float32Array(2 * G), ["y", "y"]);
    expect(() => pairScales(a, b, { useObservedBatches: false })).toThrow(/3 and 2 draws to pair/);
  });
});

describe("posterior expected FDR calls", () => {
  it.each(fx.fdr.map((c, i) => [i, c] as const))("match scvi-tools' _fdr_de_prediction (case %i)", (_i, c) => {
    expect(fdrDePrediction(c.probas, c.fdr)).toEqual(c.calls);
  });

  it("by hand: running means of 1 − p are 0.01, 0.03, 0.12 → two calls at 5% and 10%, three at 15%", () => {
    expect(fdrDePrediction([0.95, 0.99, 0.7], 0.05)).toEqual([true, true, false]);
    expect(fdrDePrediction([0.95, 0.99, 0.7], 0.1)).toEqual([true, true, false]);
    expect(fdrDePrediction([0.95, 0.99, 0.7], 0.15)).toEqual([true, true, true]);
    expect(fdrDePrediction([0.5], 0.05)).toEqual([false]);
  });

  it("calls a prefix of the genes sorted by p whose mean 1 − p is at most the target", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 0.5, noNaN: true }), (p, fdr) => {
        const calls = fdrDePrediction(p, fdr);
        const called = p.filter((_, i) => calls[i]);
        const uncalled = p.filter((_, i) => !calls[i]);
        if (called.length && uncalled.length && Math.min(...called) < Math.max(...uncalled)) return false;
        const meanFdr = called.reduce((s, v) => s + (1 - v), 0) / Math.max(1, called.length);
        return meanFdr <= fdr + 1e-12;
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});

describe("raw-count statistics", () => {
  const r = fx.raw;
  const dense = new DenseMatrix([r.nCells, G], Float32Array.from(r.counts));
  it.each([
    ["dense", dense],
    ["sparse", CsrMatrix.fromDense(dense)],
  ] as const)("match scrna_raw_counts_properties (%s)", (_name, x) => {
    const s = rawCountStats(x, r.idx1, r.idx2);
    for (const [k, v] of Object.entries(r.stats)) close(s[k as keyof typeof s], v, 1e-5, 1e-6);
  });
});

describe("result table", () => {
  function check(mode: "vanilla" | "change") {
    const t = fx.tables[mode];
    const raw = rawCountStats(new DenseMatrix([fx.raw.nCells, G], Float32Array.from(fx.raw.counts)), fx.raw.idx1, fx.raw.idx2);
    const mean = (s: Float32Array) => Float64Array.from({ length: G }, (_, g) => Array.from({ length: fx.nDraws }, (_, i) => s[i * G + g]!).reduce((a, b) => a + b, 0) / fx.nDraws);
    const genes = Array.from({ length: G }, (_, g) => `g${g}`);
    const test = mode === "vanilla" ? ({ mode, stats: vanillaStats(pairs) } as const) : ({ mode, stats: changeStats(pairs, { delta: 0.25, pseudocounts: 1e-4, testMode: "three" }) } as const);
    const rows = comparisonTable(
      { genes, scale1: mean(pairs.scale1), scale2: mean(pairs.scale2), test, raw, ...(mode === "vanilla" ? { labels: { comparison: "B vs Rest", group1: "B", group2: "Rest" } } : {}) },
      mode === "vanilla" ? 0.05 : 0.1,
    );
    expect(rows.map((r) => r.gene)).toEqual(t.records.map((r) => r.gene));
    expect(Object.keys(rows[0]!)).toEqual(t.columns);
    rows.forEach((row, k) => {
      for (const [col, e] of Object.entries(t.records[k]!)) {
        const a = (row as unknown as Record<string, unknown>)[col];
        if (typeof e === "number") {
          if (Math.abs((a as number) - e) > 1e-5 * Math.abs(e) + 1e-6) expect.fail(`${row.gene}.${col}: ${String(a)} vs ${e}`);
        } else expect(a).toBe(e);
      }
    });
  }
  it("vanilla: columns, order (ties in gene order) and values as scvi-tools' DataFrame", () => check("vanilla"));
  it("change: columns, order, FDR column name and calls as scvi-tools' DataFrame", () => check("change"));
});

describe("helpers", () => {
  it.each(fx.pythonRepr.map((c) => [c.repr, c] as const))("prints %s as Python does", (_r, c) => {
    expect(pythonFloatRepr(c.x)).toBe(c.repr);
    expect(pythonFloatRepr(c.x).slice(0, 5)).toBe(c.str5);
  });

  it("quantiles and medians match NumPy", () => {
    for (const c of fx.quantiles) {
      c.q.forEach((q, k) => expect(quantile(c.values, q)).toBe(c.expected[k]!));
      expect(sortedMedian(Float64Array.from(c.values).sort())).toBe(c.median);
      expect(medianInPlace(Float64Array.from(c.values))).toBe(c.median);
    }
  });

  it("quickselect finds the k-th smallest and the median equals the sorted one (NumPy's for even lengths)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.nat(), (values, kRaw) => {
        const sorted = Float64Array.from(values).sort();
        const k = kRaw % values.length;
        const a = Float64Array.from(values);
        const kth = selectKth(a, k);
        const partitioned = Array.from(a.subarray(0, k)).every((v) => v <= kth) && Array.from(a.subarray(k + 1)).every((v) => v >= kth);
        return kth === sorted[k] && partitioned && medianInPlace(Float64Array.from(values)) === sortedMedian(sorted);
      }),
      { seed: 42, numRuns: 300 },
    );
    expect(medianInPlace(Float64Array.from([4, 1, 3, 2]))).toBe(2.5);
    expect(medianInPlace(Float64Array.from([5, 5, 1]))).toBe(5);
  });

  it("finds the narrowest HPD window by hand", () => {
    expect(hpdInterval([0, 1, 1.5, 2, 10], 0.5)).toEqual([1, 2]); // windows of 2 steps: 1.5, 1, 8.5
    expect(() => hpdInterval([1, 2], 1)).toThrow(/level 1 leaves no interval/);
  });

  it("recovers the components of a well-separated 1-D mixture, and δ from them", () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 4, noNaN: true }), fc.double({ min: 1, max: 4, noNaN: true }), fc.integer({ min: 0, max: 1e6 }), (up, down, seed) => {
        let s = seed + 1;
        const unif = () => ((s = (s * 48271) % 2147483647), s / 2147483647);
        const normal = () => Math.sqrt(-2 * Math.log(unif())) * Math.cos(2 * Math.PI * unif());
        const x = Float64Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? up : i % 3 === 1 ? -down : 0) + 0.1 * normal());
        const means = [...fitMixture1d(x).means].sort((a, b) => a - b);
        const ok = Math.abs(means[0]! + down) < 0.05 && Math.abs(means[1]!) < 0.05 && Math.abs(means[2]! - up) < 0.05;
        return ok && Math.abs(estimateDelta(x) - 0.6 * ((up + down) / 2)) < 0.05;
      }),
      { seed: 42, numRuns: 25 },
    );
    expect(estimateDelta(Float64Array.from([-0.01, 0, 0.01, 0.02, -0.02, 0.005]))).toBe(0.1);
  });
});
