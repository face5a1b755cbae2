import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { syntheticReferenceAnnData, syntheticReferenceCounts } from "../../../src/scvi/data/synthetic.js";

/** Summary statistics over NumPy seeds of the reference script's generator (scripts/fixtures/gen_synthetic_reference.py). */
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/synthetic_reference.json", import.meta.url), "utf8")) as {
  cells: number;
  genes: number;
  batches: number;
  stats: Record<string, { mean: number; sd: number }>;
};

function quantile(sorted: Float64Array, q: number): number {
  // NumPy's default (linear) quantile.
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The statistics the fixture holds, for our draws. */
function stats(x: Float32Array, batch: Int32Array, cells: number, genes: number): Record<string, number> {
  let total = 0;
  let zeros = 0;
  let nonzeroSum = 0;
  let above10 = 0;
  let maxSum = 0;
  const logLib = new Float64Array(cells);
  const geneSum = new Float64Array(genes);
  for (let i = 0; i < cells; i++) {
    let lib = 0;
    let max = 0;
    for (let g = 0; g < genes; g++) {
      const v = x[i * genes + g]!;
      lib += v;
      geneSum[g] += v;
      if (v === 0) zeros++;
      else nonzeroSum += v;
      if (v > 10) above10++;
      if (v > max) max = v;
    }
    total += lib;
    maxSum += max;
    logLib[i] = Math.log(lib);
  }
  const meanLogLib = logLib.reduce((a, b) => a + b, 0) / cells;
  const sdLogLib = Math.sqrt(logLib.reduce((a, b) => a + (b - meanLogLib) ** 2, 0) / cells);
  const geneLog1p = Float64Array.from(geneSum, (s) => Math.log1p(s / cells)).sort();
  const n = cells * genes;
  return {
    meanCount: total / n,
    zeroFraction: zeros / n,
    meanLogLibrary: meanLogLib,
    sdLogLibrary: sdLogLib,
    geneLog1pMeanQ10: quantile(geneLog1p, 0.1),
    geneLog1pMeanQ50: quantile(geneLog1p, 0.5),
    geneLog1pMeanQ90: quantile(geneLog1p, 0.9),
    meanNonzero: nonzeroSum / (n - zeros),
    fractionAbove10: above10 / n,
    maxPerCellMean: maxSum / cells,
    batchFraction0: batch.filter((b) => b === 0).length / cells,
  };
}

describe("syntheticReferenceCounts (the PyTorch reference's generator)", () => {
  it.each([0, 1])("draws counts whose statistics match NumPy's draws of the same model (seed %i)", (seed) => {
    const { cells, genes, batches } = fixture;
    const { x, batch, shape } = syntheticReferenceCounts(cells, genes, { nBatches: batches, seed });
    expect(shape).toEqual([cells, genes]);
    expect(x.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    const ours = stats(x, batch, cells, genes);
    for (const [name, { mean, sd }] of Object.entries(fixture.stats)) {
      // Five standard deviations of the statistic across NumPy seeds: a different model
      // (library size, dispersion, loading scale, zero fraction) lands far outside.
      expect(Math.abs(ours[name]! - mean), `${name}: ours ${ours[name]} vs NumPy ${mean} ± ${sd}`).toBeLessThanOrEqual(5 * sd);
    }
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const a = syntheticReferenceCounts(50, 40, { seed: 3 });
    const b = syntheticReferenceCounts(50, 40, { seed: 3 });
    const c = syntheticReferenceCounts(50, 40, { seed: 4 });
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    expect(a.batch.every((v) => v === 0)).toBe(true);
  });

  it("wraps the counts in an AnnData with named cells, genes and a batch column", () => {
    const adata = syntheticReferenceAnnData(30, 20, { nBatches: 2, seed: 1 });
    expect([adata.nObs, adata.nVars]).toEqual([30, 20]);
    expect(adata.obsNames[0]).toBe("cell0");
    expect(adata.varNames[19]).toBe("gene19");
    expect(adata.obs.columnNames).toContain("batch");
    expect(syntheticReferenceAnnData(30, 20).obs.columnNames).not.toContain("batch");
  });

  it("rejects sizes that are not positive integers", () => {
    expect(() => syntheticReferenceCounts(0, 10)).toThrow(/nCells must be a positive integer, got 0/);
    expect(() => syntheticReferenceCounts(10, 2.5)).toThrow(/nGenes must be a positive integer, got 2.5/);
    expect(() => syntheticReferenceCounts(10, 10, { nBatches: 0 })).toThrow(/nBatches must be a positive integer/);
  });
});
