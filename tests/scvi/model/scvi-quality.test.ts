/**
 * What scVI is for, checked on synthetic counts with planted cell types and a strong batch
 * effect: its latent space separates the types better than PCA of log-normalized counts and,
 * given the batch key, mixes the batches; every likelihood, dispersion and library mode trains
 * on both module paths; `transformBatch` decodes as the chosen batch; save → load keeps the
 * latent space exactly.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSeed } from "../../../src/backend/random.js";
import type { AnnData } from "../../../src/scvi/data/anndata.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";
import { batchMixingEntropy } from "../../../src/scvi/metrics/batch-entropy.js";
import { clusteringScores } from "../../../src/scvi/metrics/clustering-scores.js";
import { logNormalize, pca } from "../../../src/scvi/metrics/pca.js";
import { SCVI, type SCVIOptions } from "../../../src/scvi/model/scvi.js";
import type { ScviSetupArgs } from "../../../src/scvi/model/scvi-setup.js";
import { syntheticCounts } from "../helpers/synthetic-counts.js";

const EPOCHS = 120;

/** Sets up a copy of `adata`, builds SCVI with seeded weights and trains it quietly. */
async function trainScvi(adata: AnnData, setup: ScviSetupArgs, options: SCVIOptions, train: { maxEpochs: number; lr: number; warmup: number; seed: number }): Promise<SCVI> {
  const copy = adata.subset({});
  SCVI.setupAnndata(copy, setup);
  setSeed(train.seed);
  const model = new SCVI(copy, options);
  await model.train({ maxEpochs: train.maxEpochs, lr: train.lr, seed: train.seed, enableProgressBar: false, planOptions: { nEpochsKlWarmup: train.warmup } });
  return model;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("scVI on planted types with a strong batch effect", () => {
  const data = syntheticCounts({ nCells: 300, nGenes: 60, nTypes: 3, nBatches: 2, batchEffect: 1, seed: 7 });
  const types = Array.from(data.types);
  const batches = Array.from(data.batches);
  const small: SCVIOptions = { nHidden: 32, nLatent: 5 };
  const schedule = { maxEpochs: EPOCHS, lr: 0.01, warmup: EPOCHS / 2, seed: 1 };
  let withBatch: SCVI;
  let withoutBatch: SCVI;

  beforeAll(async () => {
    withBatch = await trainScvi(data.adata, { batchKey: "batch" }, small, schedule);
    withoutBatch = await trainScvi(data.adata, {}, small, schedule);
  });

  afterAll(() => {
    withBatch.module.dispose();
    withoutBatch.module.dispose();
  });

  it("separates the cell types better than PCA of log-normalized counts (k-means NMI)", () => {
    expect(withBatch.history.elbo_train).toHaveLength(EPOCHS);
    const p = pca(logNormalize(data.adata.X!), { nComps: 10, seed: 0 });
    const pcaNmi = clusteringScores({ shape: p.shape, data: p.scores }, types, { seed: 0 }).nmi;
    const scviNmi = clusteringScores(withBatch.getLatentRepresentation(), types, { seed: 0 }).nmi;
    // The batch effect splits PCA's clusters (NMI ≈ 0.3); scVI with the batch key recovers the types.
    expect(pcaNmi).toBeLessThan(0.6);
    expect(scviNmi).toBeGreaterThan(0.9);
    expect(scviNmi).toBeGreaterThan(pcaNmi + 0.3);
  });

  it("mixes the batches in the latent space when given the batch key", () => {
    const mixed = batchMixingEntropy(withBatch.getLatentRepresentation(), batches, { k: 30 });
    const separate = batchMixingEntropy(withoutBatch.getLatentRepresentation(), batches, { k: 30 });
    expect(mixed).toBeGreaterThan(0.4);
    expect(mixed).toBeGreaterThan(separate + 0.3);
  });

  it("transformBatch decodes as the chosen batch, and the average over both lies between", () => {
    const decode = (transformBatch: string | string[]) => {
      setSeed(5); // the same posterior draws of z for every call
      return withBatch.getNormalizedExpression({ transformBatch }).data;
    };
    const a = decode("batch0");
    const b = decode("batch1");
    const both = decode(["batch0", "batch1"]);
    const nGenes = 60;
    let differ = 0;
    for (let k = 0; k < a.length; k++) {
      const lo = Math.min(a[k]!, b[k]!);
      const hi = Math.max(a[k]!, b[k]!);
      expect(both[k]).toBeGreaterThanOrEqual(lo * (1 - 1e-5));
      expect(both[k]).toBeLessThanOrEqual(hi * (1 + 1e-5));
      expect(both[k]).toBeCloseTo((a[k]! + b[k]!) / 2, 6);
      if (Math.abs(Math.log(a[k]! / b[k]!)) > 0.1) differ++;
    }
    expect(differ / a.length).toBeGreaterThan(0.5);
    // The decoded batch shift per gene follows the data's: log(mean proportion in batch 0 / in batch 1).
    const x = (data.adata.X as DenseMatrix).data;
    const observed = new Float64Array(nGenes);
    const decoded = new Float64Array(nGenes);
    const sums = [new Float64Array(nGenes), new Float64Array(nGenes)];
    for (let i = 0; i < types.length; i++) {
      let lib = 0;
      for (let g = 0; g < nGenes; g++) lib += x[i * nGenes + g]!;
      for (let g = 0; g < nGenes; g++) sums[batches[i]!]![g]! += x[i * nGenes + g]! / lib;
    }
    for (let g = 0; g < nGenes; g++) {
      observed[g] = Math.log(sums[0]![g]! / sums[1]![g]!);
      let s = 0;
      for (let i = 0; i < types.length; i++) s += Math.log(a[i * nGenes + g]! / b[i * nGenes + g]!);
      decoded[g] = s / types.length;
    }
    expect(pearson(observed, decoded)).toBeGreaterThan(0.8);
    expect(() => withBatch.getNormalizedExpression({ transformBatch: "batch9" })).toThrow(/'batch9' is not a batch of this model \(batches: batch0, batch1\)/);
  });

  it("gives exactly the same latent space after save and load", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "scvi-quality-")), "model");
    await withBatch.save(dir);
    const loaded = await SCVI.load(dir, { adata: data.adata.subset({}) });
    const before = withBatch.getLatentRepresentation();
    const after = loaded.getLatentRepresentation();
    expect(after.shape).toEqual(before.shape);
    expect(after.data).toEqual(before.data);
    loaded.module.dispose();
  });
});

describe("every likelihood, dispersion and library mode trains on both module paths", () => {
  const tiny = syntheticCounts({ nCells: 120, nGenes: 30, nTypes: 3, nBatches: 2, seed: 3 }).adata;
  const variants: [string, SCVIOptions][] = [
    ["zinb", { geneLikelihood: "zinb" }],
    ["nb", { geneLikelihood: "nb" }],
    ["poisson", { geneLikelihood: "poisson" }],
    ["gene-batch dispersion", { dispersion: "gene-batch" }],
    ["gene-label dispersion", { dispersion: "gene-label" }],
    ["gene-cell dispersion", { dispersion: "gene-cell" }],
    ["learned library size", { useObservedLibSize: false }],
  ];
  const cases = (["pyro", "vae"] as const).flatMap((moduleType) => variants.map(([name, o]) => [`${moduleType}: ${name}`, { ...o, moduleType }] as [string, SCVIOptions]));

  it.each(cases)("%s: the ELBO rises (the loss falls)", async (_name, options) => {
    const model = await trainScvi(tiny, { batchKey: "batch", labelsKey: "cell_type" }, { nHidden: 16, nLatent: 3, ...options }, { maxEpochs: 6, lr: 0.01, warmup: 0, seed: 2 });
    const elbo = model.history.elbo_train!;
    expect(elbo).toHaveLength(6);
    expect(elbo.every(Number.isFinite)).toBe(true);
    expect(elbo.at(-1)!).toBeGreaterThan(elbo[0]!);
    const loss = model.history.train_loss!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    const norm = model.getNormalizedExpression({ indices: [0, 1, 2] });
    expect(norm.data.every((v) => v > 0 && Number.isFinite(v))).toBe(true);
    if (options.moduleType === "vae") {
      // Save → load is exact on the plain path too.
      const dir = join(mkdtempSync(join(tmpdir(), "scvi-quality-")), "m");
      await model.save(dir);
      const loaded = await SCVI.load(dir, { adata: tiny.subset({}) });
      expect(loaded.getLatentRepresentation().data).toEqual(model.getLatentRepresentation().data);
      loaded.module.dispose();
    }
    model.module.dispose();
  });
});
