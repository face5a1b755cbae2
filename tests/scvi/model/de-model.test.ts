/**
 * `SCVI.differentialExpression` on synthetic counts with planted DE genes: an SCVI trained
 * briefly with a small network must rank the planted genes first (vanilla), call them at a
 * posterior expected FDR of 5% with few false positives and the right LFC (change), and
 * follow scvi-tools' group semantics, seeding and tensor hygiene.
 */
import { describe, it, expect, beforeAll, vi } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { setSeed } from "../../../src/backend/random.js";
import { SCVI } from "../../../src/scvi/model/scvi.js";
import type { ChangeDeRecord, DeRecord, VanillaDeRecord } from "../../../src/scvi/model/de/index.js";
import { syntheticCounts } from "../helpers/synthetic-counts.js";

const N_GENES = 60;
const data = syntheticCounts({ nCells: 330, nGenes: N_GENES, nTypes: 3, deGenesPerType: 5, deLfc: 2, seed: 11 });
const { adata, deGenes, types } = data;
const name = (g: number) => `gene${g}`;
const planted = (t: number) => new Set(deGenes[t]!.map(name));
let model: SCVI;

/** Area under the ROC curve of `score` for the genes in `positives` (ties count half). */
function auroc(rows: DeRecord[], score: (r: DeRecord) => number, positives: Set<string>): number {
  const pos = rows.filter((r) => positives.has(r.gene)).map(score);
  const neg = rows.filter((r) => !positives.has(r.gene)).map(score);
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return s / (pos.length * neg.length);
}

beforeAll(async () => {
  setSeed(7);
  SCVI.setupAnndata(adata, { batchKey: "batch" });
  model = new SCVI(adata, { nHidden: 32, nLatent: 5, moduleType: "vae" });
  await model.train({ maxEpochs: 120, lr: 5e-3, enableProgressBar: false, planOptions: { nEpochsKlWarmup: 40 } });
}, 120_000);

describe("vanilla mode", () => {
  it("ranks each type's planted genes first in one-vs-rest, with Bayes factors > 2, and the nulls low", () => {
    setSeed(1);
    const rows = model.differentialExpression({ groupby: "cell_type", nSamplesOverall: 1000 }) as VanillaDeRecord[];
    expect(rows).toHaveLength(3 * N_GENES);
    for (let t = 0; t < 3; t++) {
      const part = rows.filter((r) => r.group1 === `type${t}`);
      expect(part).toHaveLength(N_GENES);
      expect(part.every((r) => r.comparison === `type${t} vs Rest` && r.group2 === "Rest")).toBe(true);
      const auc = auroc(part, (r) => r.bayes_factor, planted(t));
      const own = part.filter((r) => planted(t).has(r.gene));
      const nulls = part.filter((r) => !deGenes.flat().map(name).includes(r.gene));
      console.log(`vanilla type${t} vs Rest: AUROC ${auc.toFixed(3)}, planted BF min ${Math.min(...own.map((r) => r.bayes_factor)).toFixed(2)}, nulls with BF > 2: ${nulls.filter((r) => r.bayes_factor > 2).length}/${nulls.length}`);
      expect(auc).toBeGreaterThan(0.95);
      expect(new Set(part.slice(0, 5).map((r) => r.gene))).toEqual(planted(t));
      expect(own.every((r) => r.bayes_factor > 2 && r.proba_m1 > 0.88)).toBe(true);
      expect(nulls.filter((r) => r.bayes_factor > 2).length).toBeLessThanOrEqual(3);
      // Sorted by decreasing Bayes factor; probabilities complementary.
      for (let k = 1; k < part.length; k++) expect(part[k]!.bayes_factor).toBeLessThanOrEqual(part[k - 1]!.bayes_factor);
      for (const r of part) expect(r.proba_m1 + r.proba_m2).toBeCloseTo(1, 12);
    }
  });

  it("tests group1 against group2 alone, exactly as the same cells given as idx1 / idx2", () => {
    setSeed(2);
    const byGroup = model.differentialExpression({ groupby: "cell_type", group1: "type0", group2: "type1", nSamplesOverall: 600 });
    setSeed(2);
    const idx = (t: number) => Array.from(types, (v) => v === t);
    const byIdx = model.differentialExpression({ idx1: idx(0), idx2: idx(1), nSamplesOverall: 600 });
    expect(byGroup.map((r) => r.comparison)).toEqual(new Array(N_GENES).fill("type0 vs type1"));
    expect(byIdx.every((r) => r.comparison === undefined && r.group1 === undefined)).toBe(true);
    expect(byIdx.map((r) => [r.gene, r.bayes_factor, r.scale1, r.raw_mean2])).toEqual(byGroup.map((r) => [r.gene, r.bayes_factor, r.scale1, r.raw_mean2]));
    // type1's planted genes are down in type0 vs type1: the lowest Bayes factors.
    expect(new Set(byGroup.slice(-5).map((r) => r.gene))).toEqual(planted(1));
    // The raw statistics are those of type0 and type1 cells only.
    const x = (adata.X as unknown as { data: Float32Array }).data;
    const mean = (t: number, g: number) => {
      let s = 0;
      let n = 0;
      types.forEach((v, i) => v === t && ((s += x[i * N_GENES + g]!), n++));
      return s / n;
    };
    const r0 = byGroup.find((r) => r.gene === "gene0")!;
    expect(r0.raw_mean1).toBeCloseTo(mean(0, 0), 4);
    expect(r0.raw_mean2).toBeCloseTo(mean(1, 0), 4);
  });

  it("one vs rest equals idx1 with the rest (cells of every other group)", () => {
    setSeed(3);
    const a = model.differentialExpression({ groupby: "cell_type", group1: "type2", nSamplesOverall: 400 });
    setSeed(3);
    const b = model.differentialExpression({ idx1: Array.from(types, (v) => v === 2), nSamplesOverall: 400 });
    expect(b.map((r) => r.bayes_factor)).toEqual(a.map((r) => r.bayes_factor));
    expect(b.map((r) => r.non_zeros_proportion2)).toEqual(a.map((r) => r.non_zeros_proportion2));
  });
});

describe("change mode", () => {
  let rows: ChangeDeRecord[];
  beforeAll(() => {
    setSeed(4);
    rows = model.differentialExpression({ groupby: "cell_type", group1: "type0", group2: "type1", mode: "change", nSamplesOverall: 1000 });
  });

  it("calls the planted genes at 5% posterior expected FDR with few false positives", () => {
    const truth = new Set([...planted(0), ...planted(1)]);
    const calls = rows.filter((r) => r["is_de_fdr_0.05"]);
    const tp = calls.filter((r) => truth.has(r.gene)).length;
    console.log(`change type0 vs type1: ${calls.length} calls, ${tp}/${truth.size} planted, ${calls.length - tp} false; delta ${rows[0]!.delta}, pseudocounts ${rows[0]!.pseudocounts}`);
    expect(tp).toBeGreaterThanOrEqual(8);
    expect(calls.length - tp).toBeLessThanOrEqual(2);
    expect(auroc(rows, (r) => (r as ChangeDeRecord).proba_de, truth)).toBeGreaterThan(0.95);
    for (let k = 1; k < rows.length; k++) expect(rows[k]!.proba_de).toBeLessThanOrEqual(rows[k - 1]!.proba_de);
    expect(rows.every((r) => r.delta === 0.25 && r.pseudocounts >= 1e-10 && r.pseudocounts < 1e-3)).toBe(true);
  });

  it("gives LFCs of the right sign and about the planted size (log2 e² ≈ 2.9, less normalization)", () => {
    const lfc = (g: string) => rows.find((r) => r.gene === g)!;
    const empirical = (r: ChangeDeRecord) => Math.log2(r.raw_normalized_mean1! / r.raw_normalized_mean2!);
    const report: string[] = [];
    for (const [t, sign] of [[0, 1], [1, -1]] as const) {
      for (const g of planted(t)) {
        const r = lfc(g);
        report.push(`${g} ${r.lfc_mean.toFixed(2)} (raw ${empirical(r).toFixed(2)})`);
        expect(Math.sign(r.lfc_mean)).toBe(sign);
        expect(Math.abs(r.lfc_mean)).toBeGreaterThan(1.5);
        expect(Math.abs(r.lfc_mean)).toBeLessThan(4.5);
        expect(Math.abs(r.lfc_mean - empirical(r))).toBeLessThan(0.6);
        expect(r.lfc_min).toBeLessThanOrEqual(r.lfc_median);
        expect(r.lfc_median).toBeLessThanOrEqual(r.lfc_max);
        expect(r.lfc_std).toBeGreaterThan(0);
      }
    }
    console.log(`planted LFCs: ${report.join(", ")}`);
    const nullRows = rows.filter((r) => !deGenes.flat().map(name).includes(r.gene));
    const medianAbs = nullRows.map((r) => Math.abs(r.lfc_mean)).sort((a, b) => a - b)[Math.floor(nullRows.length / 2)]!;
    console.log(`null genes: median |LFC| ${medianAbs.toFixed(3)}`);
    expect(medianAbs).toBeLessThan(0.5);
  });

  it("estimates delta with delta: null, and reports HPD intervals when asked", () => {
    setSeed(5);
    const r = model.differentialExpression({ groupby: "cell_type", group1: "type0", group2: "type1", mode: "change", delta: null, credIntervalLvls: [0.9], nSamplesOverall: 300, fdrTarget: 0.1 });
    expect(r[0]!.delta).toBeGreaterThanOrEqual(0.1);
    expect(r[0]!.delta).toBeLessThan(2);
    expect(r.every((x) => typeof x["is_de_fdr_0.1"] === "boolean" && x["lfc_confidence_interval_0.9_min"] <= x["lfc_confidence_interval_0.9_max"])).toBe(true);
  });
});

describe("batch correction, seeding and tensors", () => {
  it("batchCorrection decodes in every batch and still finds the planted genes", () => {
    setSeed(6);
    const rows = model.differentialExpression({ groupby: "cell_type", group1: "type1", batchCorrection: true, nSamplesOverall: 600 });
    expect(auroc(rows, (r) => r.bayes_factor, planted(1))).toBeGreaterThan(0.95);
    setSeed(6);
    const one = model.differentialExpression({ groupby: "cell_type", group1: "type1", batchCorrection: true, batchid1: ["batch0"], batchid2: ["batch0"], nSamplesOverall: 600 });
    expect(auroc(one, (r) => r.bayes_factor, planted(1))).toBeGreaterThan(0.95);
    expect(one.map((r) => r.bayes_factor)).not.toEqual(rows.map((r) => r.bayes_factor));
  });

  it("warns when the groups are decoded in different but overlapping batches", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    model.differentialExpression({ groupby: "cell_type", group1: "type1", batchCorrection: true, batchid1: ["batch0", "batch1"], batchid2: ["batch1", "batch1"], nSamplesOverall: 100 });
    expect(warn.mock.calls.some((c) => /differ but overlap/.test(String(c[0])))).toBe(true);
    warn.mockRestore();
  });

  it("is reproducible under setSeed and under the seed option; another seed gives other draws", () => {
    const opts = { groupby: "cell_type", group1: "type0", mode: "change", nSamplesOverall: 300 } as const;
    setSeed(9);
    const a = model.differentialExpression(opts);
    setSeed(9);
    const b = model.differentialExpression(opts);
    expect(b).toEqual(a);
    const c = model.differentialExpression({ ...opts, seed: 123 });
    setSeed(55);
    const d = model.differentialExpression({ ...opts, seed: 123 });
    expect(d).toEqual(c);
    expect(c.map((r) => r.lfc_mean)).not.toEqual(a.map((r) => r.lfc_mean));
  });

  it("leaves no tensors behind, and allStats: false drops the raw columns", () => {
    setSeed(10);
    model.differentialExpression({ groupby: "cell_type", group1: "type0", nSamplesOverall: 50 });
    const before = tf.memory().numTensors;
    const rows = model.differentialExpression({ groupby: "cell_type", group1: "type0", mode: "change", allStats: false, nSamplesOverall: 200, batchCorrection: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(Object.keys(rows[0]!)).toEqual(["gene", "proba_de", "proba_not_de", "bayes_factor", "scale1", "scale2", "pseudocounts", "delta", "lfc_mean", "lfc_median", "lfc_std", "lfc_min", "lfc_max", "is_de_fdr_0.05", "comparison", "group1", "group2"]);
  });
});
