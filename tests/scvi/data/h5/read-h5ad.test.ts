import { describe, expect, it } from "vitest";
import { readH5ad } from "../../../../src/scvi/data/h5/read-h5ad.js";
import { expectAnnData, loadSummary } from "../anndata-summary.js";

const FIX = "tests/fixtures/h5ad";

describe("readH5ad on files written by Python's anndata", () => {
  for (const name of [
    "anndata_full",
    "anndata_gzip",
    "anndata_dense",
    "anndata_legacy_df010",
    "anndata_legacy_uns_categories",
  ]) {
    it(`reads ${name}.h5ad as anndata does`, async () => {
      const adata = await readH5ad(`${FIX}/${name}.h5ad`);
      expectAnnData(adata, loadSummary(`${FIX}/${name}.expected.json`));
    });
  }

  it("keeps the index name and categorical order of the 0.2.0 layout", async () => {
    const adata = await readH5ad(`${FIX}/anndata_full.h5ad`);
    expect(adata.obs.indexName).toBe("_index");
    const stage = adata.obs.get("stage");
    expect(stage.kind === "categorical" && stage.ordered).toBe(true);
    const ct = adata.obs.get("cell_type");
    expect(ct.kind === "categorical" && ct.codes[3]).toBe(-1);
  });
});

describe("readH5ad refuses filters it cannot decode", () => {
  it("names the LZF filter and the first dataset that uses it", async () => {
    await expect(readH5ad(`${FIX}/anndata_lzf.h5ad`)).rejects.toThrow(/dataset '\/X\/data'.*filter 'lzf' \(id 32000\)/);
  });

  it("names an unregistered filter by id", async () => {
    await expect(readH5ad(`${FIX}/unknown_filter.h5ad`)).rejects.toThrow(/dataset '\/X\/data'.*'zstd' \(id 32015\)/);
  });

  it("still reads the gzip copy (deflate is decodable)", async () => {
    const adata = await readH5ad(`${FIX}/anndata_gzip.h5ad`);
    expect(adata.shape).toEqual([30, 12]);
  });

  it("names a missing file", async () => {
    await expect(readH5ad(`${FIX}/does_not_exist.h5ad`)).rejects.toThrow(/no such file: .*does_not_exist\.h5ad/);
  });
});
