import { describe, it, expect } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ToyFactorModel, toyAnnData } from "../helpers/toy-model.js";
import { defaultMaxEpochs } from "../../../src/scvi/model/base/base-model.js";

function tmp(): string {
  return mkdtempSync(join(tmpdir(), "scvi-ts-model-"));
}

describe("BaseModelClass", () => {
  it("needs setupAnndata first, naming the call", () => {
    expect(() => new ToyFactorModel(toyAnnData())).toThrow(/ToyFactorModel\.setupAnndata/);
  });

  it("uses scvi-tools' epoch heuristic", () => {
    expect(defaultMaxEpochs(700)).toBe(400);
    expect(defaultMaxEpochs(40000)).toBe(200);
  });

  it.each(["vae", "pyro"] as const)("trains the %s path through the shared runner, and save → load reproduces outputs exactly", async (moduleType) => {
    const adata = toyAnnData();
    ToyFactorModel.setupAnndata(adata, { batchKey: "batch" });
    const model = new ToyFactorModel(adata, { moduleType });
    expect(model.summaryString).toMatch(/Not trained/);
    const result = await model.train({ maxEpochs: 6, seed: 1, enableProgressBar: false, batchSize: 32, lr: 0.01 });
    expect(result.epochs).toBe(6);
    expect(model.isTrained).toBe(true);
    expect(model.history.elbo_train).toHaveLength(6);
    const dir = join(tmp(), "model");
    await model.save(dir, { saveAnndata: true });
    expect(readdirSync(dir).sort()).toEqual(["adata.h5ad", "model.json", "weights.bin"]);
    const fresh = toyAnnData();
    const loaded = await ToyFactorModel.load(dir, { adata: fresh });
    expect(Array.from(loaded.latentMeans())).toEqual(Array.from(model.latentMeans()));
    expect(loaded.history).toEqual(model.history);
    expect(loaded.isTrained).toBe(true);
    const fromSaved = await ToyFactorModel.load(dir);
    expect(Array.from(fromSaved.latentMeans())).toEqual(Array.from(model.latentMeans()));
    for (const m of [model, loaded, fromSaved]) m.module.dispose();
  });

  it("refuses to overwrite without overwrite, leaving the old files intact", async () => {
    const adata = toyAnnData();
    ToyFactorModel.setupAnndata(adata);
    const model = new ToyFactorModel(adata);
    const dir = join(tmp(), "m");
    await model.save(dir);
    const before = readFileSync(join(dir, "model.json"), "utf8");
    await expect(model.save(dir)).rejects.toThrow(/already exists.*overwrite/);
    expect(readFileSync(join(dir, "model.json"), "utf8")).toBe(before);
    await model.save(dir, { overwrite: true });
    expect(readdirSync(join(dir, "..")).filter((f) => f.includes("tmp") || f.includes("old"))).toEqual([]);
    model.module.dispose();
  });

  it("names what is wrong on load: gene mismatch, class, truncated and foreign files", async () => {
    const adata = toyAnnData();
    ToyFactorModel.setupAnndata(adata);
    const model = new ToyFactorModel(adata);
    const dir = join(tmp(), "m");
    await model.save(dir);
    const other = toyAnnData(120, 8);
    (other.var.index as string[])[3] = "CD3E";
    await expect(ToyFactorModel.load(dir, { adata: other })).rejects.toThrow(/gene 3 is 'CD3E' in the data but 'gene3' in the model/);
    await expect(ToyFactorModel.load(dir)).rejects.toThrow(/saved without its AnnData/);
    class OtherModel extends ToyFactorModel {}
    await expect(OtherModel.load(dir, { adata: toyAnnData() })).rejects.toThrow(/holds a ToyFactorModel model, not a OtherModel/);
    truncateSync(join(dir, "weights.bin"), 10);
    await expect(ToyFactorModel.load(dir, { adata: toyAnnData() })).rejects.toThrow(/weights\.bin.*truncated/);
    writeFileSync(join(dir, "model.json"), '{"hello": 1}');
    await expect(ToyFactorModel.load(dir, { adata: toyAnnData() })).rejects.toThrow(/not a scvi-ts model file/);
    writeFileSync(join(dir, "model.json"), '{"format": "scvi-ts-mo');
    await expect(ToyFactorModel.load(dir, { adata: toyAnnData() })).rejects.toThrow(/not valid JSON/);
    expect(existsSync(join(tmp(), "nothing"))).toBe(false);
    await expect(ToyFactorModel.load(join(tmp(), "nothing"), { adata: toyAnnData() })).rejects.toThrow(/no model at/);
    model.module.dispose();
  });
});
