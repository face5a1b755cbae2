/**
 * `scvi-ts train` and `scvi-ts latent` end to end on a tiny generated .h5ad: the executable
 * trains (a few epochs of a small network), writes the model, the annotated data, the history
 * and the loss plot; `latent` reproduces the saved latent space; failures name their cause.
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { AnnData } from "../../src/scvi/data/anndata.js";
import { readH5ad } from "../../src/scvi/data/h5/read-h5ad.js";
import { writeH5ad } from "../../src/scvi/data/h5/write-h5ad.js";
import { DenseMatrix } from "../../src/scvi/data/matrix/dense-matrix.js";
import { syntheticCounts } from "../scvi/helpers/synthetic-counts.js";
import { errorLines, runCliChild, runInProcess, tempDir, type CliResult } from "./cli-child.js";

const dir = tempDir("train");
const N_CELLS = 60;
const N_GENES = 20;
const SMALL = ["--n-latent", "4", "--n-hidden", "16", "--kl-warmup", "2", "--seed", "3"];

let trained: CliResult;
let quiet: CliResult;

/** The row-major values of a dense matrix (throws on sparse). */
function denseData(m: unknown): Float32Array {
  expect(m).toBeInstanceOf(DenseMatrix);
  return (m as DenseMatrix).data;
}

beforeAll(async () => {
  const { adata } = syntheticCounts({ nCells: N_CELLS, nGenes: N_GENES, seed: 1 });
  await writeH5ad(adata, path.join(dir, "tiny.h5ad"));
  const x = denseData(adata.X);
  const logged = new AnnData({ X: new DenseMatrix([N_CELLS, N_GENES], x.map((v) => Math.log1p(v))), obs: adata.obs, var: adata.var });
  await writeH5ad(logged, path.join(dir, "logged.h5ad"));
  // Two trainings at once (their start-up overlaps): the full one, and a quiet one on the other module path.
  [trained, quiet] = await Promise.all([
    runCliChild(["train", "tiny.h5ad", "--out", "model", "--batch-key", "batch", "--labels-key", "cell_type", "--max-epochs", "3", ...SMALL], dir),
    runCliChild(["train", "tiny.h5ad", "--out", "model-vae", "--module-type", "vae", "--likelihood", "nb", "--max-epochs", "2", "--quiet", ...SMALL], dir),
  ]);
});

describe("scvi-ts train", () => {
  it("exits 0, reports the epochs, and draws progress on stderr", () => {
    expect(trained.stderr).not.toMatch(/error/i);
    expect(trained.code).toBe(0);
    expect(trained.stdout).toContain(`Training scVI on ${N_CELLS} cells × ${N_GENES} genes for 3 epochs.`);
    expect(trained.stdout).toMatch(/Trained 3 epochs in [\d.]+ s \([\d.]+ s\/epoch\)/);
    expect(trained.stderr).toMatch(/Epoch 1\/3 /);
    expect(trained.stderr).toMatch(/Epoch 3\/3 /);
  });

  it("writes the model, the data with X_scVI and scvi_normalized, the history and the loss plot", async () => {
    const out = path.join(dir, "model");
    for (const f of ["model.json", "weights.bin", "adata.h5ad", "history.csv", "loss.svg"]) expect(existsSync(path.join(out, f))).toBe(true);
    const model = JSON.parse(readFileSync(path.join(out, "model.json"), "utf8"));
    expect(model.className).toBe("SCVI");
    expect(model.initParams).toMatchObject({ nLatent: 4, nHidden: 16, geneLikelihood: "zinb", moduleType: "pyro" });
    expect(model.registry.setupArgs).toMatchObject({ batchKey: "batch", labelsKey: "cell_type" });

    const adata = await readH5ad(path.join(out, "adata.h5ad"));
    expect(adata.shape).toEqual([N_CELLS, N_GENES]);
    const latent = adata.obsm.get("X_scVI")!;
    expect(latent.shape).toEqual([N_CELLS, 4]);
    expect(denseData(latent).every(Number.isFinite)).toBe(true);
    const norm = denseData(adata.layers.get("scvi_normalized"));
    for (let i = 0; i < N_CELLS; i++) {
      const row = norm.subarray(i * N_GENES, (i + 1) * N_GENES);
      expect(row.every((v) => v > 0)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }

    const csv = readFileSync(path.join(out, "history.csv"), "utf8").trim().split("\n");
    const header = csv[0]!.split(",");
    expect(header[0]).toBe("epoch");
    expect(header).toContain("elbo_train");
    expect(header).toContain("elbo_validation");
    expect(csv).toHaveLength(4);
    for (const line of csv.slice(1)) {
      const cells = line.split(",");
      for (const m of ["elbo_train", "elbo_validation"]) expect(Number.isFinite(Number(cells[header.indexOf(m)]))).toBe(true);
    }

    const svg = readFileSync(path.join(out, "loss.svg"), "utf8");
    expect(svg.startsWith("<svg ")).toBe(true);
    expect(svg.trim().endsWith("</svg>")).toBe(true);
    for (const m of ["elbo_train", "elbo_validation"]) {
      const group = new RegExp(`<g class="series" data-metric="${m}">\\n<polyline [^>]*points="([^"]+)"`).exec(svg);
      expect(group, m).not.toBeNull();
      expect(group![1]!.split(" ")).toHaveLength(3);
    }
  });

  it("--quiet trains without progress output; --module-type vae and --likelihood nb reach the model", () => {
    expect(quiet.stderr).not.toMatch(/error/i);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).not.toMatch(/Epoch \d/);
    const model = JSON.parse(readFileSync(path.join(dir, "model-vae", "model.json"), "utf8"));
    expect(model.initParams).toMatchObject({ moduleType: "vae", geneLikelihood: "nb" });
    expect(model.history.elbo_train).toHaveLength(2);
  });

  it("refuses to replace an existing output directory without --overwrite", async () => {
    const r = await runInProcess(["train", path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "model")]);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([`scvi-ts train: error: output directory '${path.join(dir, "model")}' already exists; pass --overwrite to replace it`]);
  });

  it("fails in one line naming a missing obs key and the available ones", async () => {
    const r = await runInProcess(["train", path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "nope"), "--batch-key", "donor"]);
    expect(r.code).toBe(1);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^scvi-ts train: error: .*'donor'.*not found in adata\.obs; available: cell_type, batch$/);
    expect(existsSync(path.join(dir, "nope"))).toBe(false);
  });

  it("fails in one line on data that are not counts, unless --allow-non-integer", async () => {
    const r = await runInProcess(["train", path.join(dir, "logged.h5ad"), "--out", path.join(dir, "nope")]);
    expect(r.code).toBe(1);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^scvi-ts train: error: X is not count data: it has [\d.]+ at cell 'cell\d+', gene 'gene\d+'; scVI needs raw counts/);
    const missingLayer = await runInProcess(["train", path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "nope"), "--layer", "counts"]);
    expect(missingLayer.code).toBe(1);
    expect(errorLines(missingLayer.stderr)).toEqual(["scvi-ts train: error: layer 'counts' not found in adata.layers; available: (none)"]);
  });
});

describe("scvi-ts latent", () => {
  it("writes the saved model's latent space as CSV (executable) and as .h5ad", async () => {
    const saved = await readH5ad(path.join(dir, "model", "adata.h5ad"));
    const expected = denseData(saved.obsm.get("X_scVI"));
    const csvRun = await runCliChild(["latent", "model", "tiny.h5ad", "--out", "latent.csv"], dir);
    expect(csvRun.stderr).not.toMatch(/error/i);
    expect(csvRun.code).toBe(0);
    expect(csvRun.stdout).toContain(`Wrote the 4-dimensional latent space of ${N_CELLS} cells to latent.csv`);
    const lines = readFileSync(path.join(dir, "latent.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("cell,latent_0,latent_1,latent_2,latent_3");
    expect(lines).toHaveLength(N_CELLS + 1);
    lines.slice(1).forEach((line, i) => {
      const [cell, ...values] = line.split(",");
      expect(cell).toBe(`cell${i}`);
      values.forEach((v, j) => expect(Math.fround(Number(v))).toBe(expected[i * 4 + j]));
    });

    const h5 = await runInProcess(["latent", path.join(dir, "model"), path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "latent.h5ad")]);
    expect(h5.code).toBe(0);
    const back = await readH5ad(path.join(dir, "latent.h5ad"));
    expect(denseData(back.obsm.get("X_scVI"))).toEqual(expected);
  });

  it("fails in one line on a directory without a model", async () => {
    const r = await runInProcess(["latent", path.join(dir, "empty"), path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "z.csv")]);
    expect(r.code).toBe(1);
    expect(errorLines(r.stderr)).toEqual([`scvi-ts latent: error: load: no model at '${path.join(dir, "empty")}' (missing model.json)`]);
  });
});

describe("scvi-ts de", () => {
  it("writes one CSV row per gene with the model's differential expression for the same seed", async () => {
    const out = path.join(dir, "de.csv");
    const r = await runInProcess(["de", path.join(dir, "model"), path.join(dir, "tiny.h5ad"), "--groupby", "cell_type", "--group1", "type0", "--mode", "change", "--seed", "4", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Wrote ${N_GENES} rows (change mode, type0 vs rest) to ${out}`);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    const header = lines[0]!.split(",");
    expect(header[0]).toBe("gene");
    for (const c of ["proba_de", "bayes_factor", "lfc_mean", "is_de_fdr_0.05", "group1", "group2"]) expect(header).toContain(c);
    expect(lines).toHaveLength(N_GENES + 1);

    const { SCVI } = await import("../../src/scvi/model/scvi.js");
    const model = await SCVI.load(path.join(dir, "model"), { adata: await readH5ad(path.join(dir, "tiny.h5ad")) });
    const rows = model.differentialExpression({ groupby: "cell_type", group1: "type0", mode: "change", batchCorrection: false, seed: 4 });
    model.module.dispose();
    rows.forEach((row, i) => {
      const cells = lines[i + 1]!.split(",");
      expect(cells[0]).toBe(row.gene);
      expect(cells[header.indexOf("group2")]).toBe("Rest");
      expect(cells[header.indexOf("is_de_fdr_0.05")]).toBe(String(row["is_de_fdr_0.05"]));
      for (const c of ["proba_de", "lfc_mean", "scale1"] as const) expect(Number(cells[header.indexOf(c)])).toBeCloseTo(row[c], 6);
    });
  });

  it("fails in one line on a missing groupby key or an unknown group", async () => {
    const base = ["de", path.join(dir, "model"), path.join(dir, "tiny.h5ad"), "--out", path.join(dir, "de-x.csv")];
    const key = await runInProcess([...base, "--groupby", "celltype", "--group1", "type0"]);
    expect(key.code).toBe(1);
    expect(errorLines(key.stderr)).toEqual([`scvi-ts de: error: obs key 'celltype' (--groupby) not found in '${path.join(dir, "tiny.h5ad")}'; available: cell_type, batch`]);
    const group = await runInProcess([...base, "--groupby", "cell_type", "--group1", "type9"]);
    expect(group.code).toBe(1);
    expect(errorLines(group.stderr)).toHaveLength(1);
    expect(group.stderr).toMatch(/'type9' is not a group of obs\['cell_type'\]; groups: type0, type1, type2/);
  });
});
