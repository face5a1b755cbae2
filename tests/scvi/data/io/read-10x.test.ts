import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { read10xH5 } from "../../../../src/scvi/data/io/read-10x-h5.js";
import { read10xMtx } from "../../../../src/scvi/data/io/read-10x-mtx.js";
import { makeUnique } from "../../../../src/scvi/data/io/make-unique.js";
import type { AnnData } from "../../../../src/scvi/data/anndata.js";
import type { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";

const TENX = "tests/fixtures/10x"; // copies of the shared Cell Ranger samples (see its README)
const FIX = "tests/fixtures/h5ad";

interface TenxExpected {
  version: number;
  n_obs: number;
  n_vars: number;
  nnz: number;
  total: number;
  cell_sums: number[];
  gene_sums: number[];
  barcodes_head: string[];
  gene_names_head: string[];
  gene_ids_head: string[];
  feature_types: string[] | null;
  first_nonzero: { row: number; col: number; value: number };
}

const tenx = JSON.parse(readFileSync(`${FIX}/tenx.expected.json`, "utf8")) as Record<string, TenxExpected>;

function sums(a: AnnData): { cells: number[]; genes: number[] } {
  const X = a.X as CsrMatrix;
  const cells = new Array<number>(a.nObs).fill(0);
  const genes = new Array<number>(a.nVars).fill(0);
  for (let i = 0; i < a.nObs; i++) {
    for (let k = X.indptr[i]; k < X.indptr[i + 1]; k++) {
      cells[i] += X.data[k];
      genes[X.indices[k]] += X.data[k];
    }
  }
  return { cells, genes };
}

describe("read10xH5 on Cell Ranger files (checked against h5py)", () => {
  for (const [file, want] of Object.entries(tenx)) {
    it(`reads ${file} (v${want.version}) as cells × genes`, async () => {
      const a = await read10xH5(`${TENX}/${file}`);
      expect(a.shape).toEqual([want.n_obs, want.n_vars]);
      expect(a.X?.format).toBe("csr");
      expect((a.X as CsrMatrix).nnz).toBe(want.nnz);
      const s = sums(a);
      expect(s.cells).toEqual(want.cell_sums);
      expect(s.genes).toEqual(want.gene_sums);
      expect(s.cells.reduce((x, y) => x + y, 0)).toBe(want.total);
      expect(a.obsNames.slice(0, 3)).toEqual(want.barcodes_head);
      expect(a.varNames.slice(0, 5)).toEqual(want.gene_names_head);
      const ids = a.var.get("gene_ids");
      expect(ids.kind === "string" && ids.values.slice(0, 5)).toEqual(want.gene_ids_head);
      const { row, col, value } = want.first_nonzero;
      expect(a.X?.toDense().get(row, col)).toBe(value);
      if (want.feature_types) {
        const ft = a.var.get("feature_types");
        expect(ft.kind === "string" && [...new Set(ft.values)].sort()).toEqual(want.feature_types);
      }
    });
  }

  it("names a missing genome and lists the available ones", async () => {
    await expect(read10xH5(`${TENX}/10x_v2_chr21_filtered_gene_bc_matrices.h5`, { genome: "mm10" })).rejects.toThrow(
      /genome 'mm10' not found .*available: hg19_chr21/,
    );
  });

  it("refuses an .h5ad that is not a Cell Ranger matrix", async () => {
    await expect(read10xH5(`${FIX}/anndata_dense.h5ad`)).rejects.toThrow(/not a Cell Ranger matrix/);
  });
});

describe("read10xMtx on MatrixMarket directories (written by scipy)", () => {
  const want = JSON.parse(readFileSync(`${FIX}/mtx.expected.json`, "utf8")) as {
    n_obs: number;
    n_vars: number;
    X: number[][];
    barcodes: string[];
    gene_ids: string[];
    gene_symbols: string[];
    var_names_unique: string[];
  };

  for (const dir of ["mtx_v3", "mtx_v2"]) {
    it(`reads ${dir} (${dir === "mtx_v3" ? "gzipped, features.tsv" : "plain, genes.tsv"})`, async () => {
      const a = await read10xMtx(`${FIX}/${dir}`);
      expect(a.shape).toEqual([want.n_obs, want.n_vars]);
      const d = a.X?.toDense();
      expect(Array.from({ length: want.n_obs }, (_, i) => Array.from(d?.row(i) ?? []))).toEqual(want.X);
      expect(a.obsNames).toEqual(want.barcodes);
      expect(a.varNames).toEqual(want.var_names_unique);
      const ids = a.var.get("gene_ids");
      expect(ids.kind === "string" && ids.values).toEqual(want.gene_ids);
      expect(a.var.has("feature_types")).toBe(dir === "mtx_v3");
    });
  }

  it("can name genes by id and keep repeated symbols", async () => {
    const byId = await read10xMtx(`${FIX}/mtx_v3`, { varNames: "gene_ids" });
    expect(byId.varNames).toEqual(want.gene_ids);
    const raw = await read10xMtx(`${FIX}/mtx_v2`, { makeUnique: false });
    expect(raw.varNames).toEqual(want.gene_symbols);
  });

  it("names the files a directory lacks", async () => {
    await expect(read10xMtx(FIX)).rejects.toThrow(/missing matrix\.mtx\(\.gz\), barcodes\.tsv\(\.gz\)/);
  });
});

describe("makeUnique", () => {
  it("suffixes repeats as anndata's make_index_unique", () => {
    expect(makeUnique(["A", "B", "A", "A", "A-1"])).toEqual(["A", "B", "A-2", "A-3", "A-1"]);
    expect(makeUnique(["x", "y"])).toEqual(["x", "y"]);
  });
});
