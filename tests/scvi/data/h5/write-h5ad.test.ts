import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { AnnData, type UnsValue } from "../../../../src/scvi/data/anndata.js";
import { categoricalColumn, DataFrame, numericColumn, stringColumn, booleanColumn, type Column } from "../../../../src/scvi/data/dataframe.js";
import { readH5ad } from "../../../../src/scvi/data/h5/read-h5ad.js";
import { writeH5ad } from "../../../../src/scvi/data/h5/write-h5ad.js";
import { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../../src/scvi/data/matrix/dense-matrix.js";
import type { Matrix } from "../../../../src/scvi/data/matrix/matrix.js";
import {
  loadSummary,
  type AnnDataSummary,
  type ColumnSummary,
  type FrameSummary,
  type MatrixSummary,
  type UnsSummary,
} from "../anndata-summary.js";
import { h5Structure } from "./h5-structure.js";
import { OURS_FIXTURES } from "./ours-fixture.js";

const FIX = "tests/fixtures/h5ad";
const tmp = mkdtempSync(join(tmpdir(), "scvi-ts-h5ad-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- what Python's anndata should read from a file written by writeH5ad -------------------

const nan = (v: number) => (Number.isNaN(v) ? null : v);

function matrixView(m: Matrix): MatrixSummary {
  const d = m.toDense();
  const rows = Array.from({ length: d.nRows }, (_, i) => Array.from(d.row(i), nan));
  return { format: m.format === "csr" ? "csr" : "dense", dtype: "float32", shape: [d.nRows, d.nCols], values: rows };
}

function columnView(c: Column): ColumnSummary {
  switch (c.kind) {
    case "numeric":
      return { kind: "numeric", dtype: c.dtype, values: Array.from(c.values, nan) };
    case "boolean": // h5wasm cannot write HDF5 booleans: uint8 0 / 1
      return { kind: "numeric", dtype: "uint8", values: Array.from(c.values) };
    case "string":
      return { kind: "string", dtype: "object", values: [...c.values] };
    case "categorical":
      return { kind: "categorical", categories: [...c.categories], codes: Array.from(c.codes), ordered: c.ordered };
  }
}

function frameView(df: DataFrame): FrameSummary {
  return {
    index: [...df.index],
    column_order: df.columnNames,
    columns: Object.fromEntries(df.entries().map(([k, c]) => [k, columnView(c)])),
  };
}

function unsView(v: UnsValue): UnsSummary {
  if (typeof v === "string") return { type: "string", value: v };
  if (typeof v === "boolean") return { type: "scalar", dtype: "int8", value: v ? 1 : 0 };
  if (typeof v === "number") return { type: "scalar", dtype: Number.isInteger(v) ? "int64" : "float64", value: v };
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return { type: "array", dtype: "string", shape: [v.length], values: v as string[] };
    if (v.every((x) => typeof x === "boolean")) return { type: "array", dtype: "uint8", shape: [v.length], values: v.map(Number) };
    const rows = v.every((x) => Array.isArray(x));
    const flat = (rows ? v.flat() : v) as number[];
    const shape = rows ? [v.length, (v[0] as number[]).length] : [v.length];
    return { type: "array", dtype: flat.every(Number.isInteger) ? "int64" : "float64", shape, values: flat };
  }
  if (v === null) throw new Error("null");
  return { type: "dict", items: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unsView(x)])) };
}

function pythonView(a: AnnData): Omit<AnnDataSummary, "anndata_version"> {
  return {
    n_obs: a.nObs,
    n_vars: a.nVars,
    X: a.X ? matrixView(a.X) : null,
    obs: frameView(a.obs),
    var: frameView(a.var),
    obsm: Object.fromEntries([...a.obsm].map(([k, m]) => [k, matrixView(m)])),
    layers: Object.fromEntries([...a.layers].map(([k, m]) => [k, matrixView(m)])),
    uns: unsView(a.uns),
  };
}

describe("writeH5ad: files Python's anndata reads", () => {
  for (const { name, build, options } of OURS_FIXTURES) {
    it(`${name}.h5ad was read by anndata as the AnnData we wrote`, () => {
      const { anndata_version, ...seen } = loadSummary(`${FIX}/${name}.python.json`);
      expect(anndata_version).toBe("0.8.0");
      expect(seen).toEqual(pythonView(build()));
    });

    it(`writeH5ad still writes ${name}.h5ad as it was when Python checked it`, async () => {
      const out = join(tmp, `${name}.h5ad`);
      await writeH5ad(build(), out, options);
      const [now, checked] = await Promise.all([h5Structure(out), h5Structure(`${FIX}/${name}.h5ad`)]);
      expect(now.map((e) => e.path)).toEqual(checked.map((e) => e.path));
      for (let i = 0; i < now.length; i++) expect(now[i], now[i].path).toEqual(checked[i]);
    });
  }

  it("writes the categoricals of ours_full in the 0.1.0 layout (__categories + references)", async () => {
    const s = await h5Structure(`${FIX}/ours_full.h5ad`);
    const codes = s.find((e) => e.path === "/obs/batch");
    expect(codes?.kind).toBe("dataset");
    expect(codes?.attrs.categories.value).toEqual([{ ref: "/obs/__categories/batch" }]);
    const cats = s.find((e) => e.path === "/obs/__categories/stage");
    expect(cats?.value).toEqual(["early", "mid", "late"]);
    expect(cats?.attrs.ordered.value).toBe(1);
  });

  it("compresses numeric datasets with gzip when asked", async () => {
    const s = await h5Structure(`${FIX}/ours_dense_gzip.h5ad`);
    expect(s.find((e) => e.path === "/X")?.filters).toEqual([1]);
  });
});

describe("writeH5ad → readH5ad round trip", () => {
  it("restores every element of the fixture AnnData (both dataframe encodings)", async () => {
    for (const dataframeEncoding of ["0.1.0", "0.2.0"] as const) {
      const a = OURS_FIXTURES[0].build();
      const out = join(tmp, `rt-${dataframeEncoding}.h5ad`);
      await writeH5ad(a, out, { dataframeEncoding, compression: "gzip" });
      const b = await readH5ad(out);
      expect(b.X).toEqual(a.X);
      expect(b.obs.entries()).toEqual(a.obs.entries());
      expect(b.obs.index).toEqual(a.obs.index);
      expect(b.var.entries()).toEqual(a.var.entries());
      expect(b.obsm).toEqual(a.obsm);
      expect(b.varm).toEqual(a.varm);
      expect(b.layers).toEqual(a.layers);
      expect(b.uns).toEqual(a.uns);
    }
  });

  it("refuses uns values .h5ad cannot hold, naming them, and leaves no file", async () => {
    const a = new AnnData({ X: DenseMatrix.zeros(2, 2), uns: { params: { bad: [1, "x"] } } });
    const out = join(tmp, "bad.h5ad");
    await expect(writeH5ad(a, out)).rejects.toThrow(/uns\['params'\]\['bad'\] is an array mixing types/);
    await expect(readH5ad(out)).rejects.toThrow(/no such file/);
  });

  it("holds for random AnnData objects (property)", async () => {
    const cell = fc.record({
      batch: fc.constantFrom("a", "b", "c", null),
      x: fc.double({ noNaN: false, noDefaultInfinity: true }),
      k: fc.integer({ min: -1000, max: 1000 }),
      s: fc.string({ maxLength: 6 }),
      flag: fc.boolean(),
    });
    const arb = fc.record({
      nVars: fc.integer({ min: 1, max: 5 }),
      cells: fc.array(cell, { minLength: 1, maxLength: 6 }),
      counts: fc.array(fc.nat(20), { minLength: 30, maxLength: 30 }),
      sparse: fc.boolean(),
      encoding: fc.constantFrom("0.1.0" as const, "0.2.0" as const),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(arb, async ({ nVars, cells, counts, sparse, encoding }) => {
        const n = cells.length;
        const dense = new DenseMatrix([n, nVars], Float32Array.from({ length: n * nVars }, (_, i) => counts[i % 30]));
        const a = new AnnData({
          X: sparse ? CsrMatrix.fromDense(dense) : dense,
          obs: new DataFrame(
            cells.map((_, i) => `c${i}`),
            {
              batch: categoricalColumn(cells.map((c) => c.batch)),
              x: numericColumn(cells.map((c) => c.x)),
              k: numericColumn(cells.map((c) => c.k), "int32"),
              s: stringColumn(cells.map((c) => c.s)),
              flag: booleanColumn(cells.map((c) => c.flag)),
            },
          ),
        });
        const out = join(tmp, `prop-${run++}.h5ad`);
        await writeH5ad(a, out, { dataframeEncoding: encoding });
        const b = await readH5ad(out);
        expect(b.X).toEqual(a.X);
        expect(b.obs.entries()).toEqual(a.obs.entries());
        expect(b.obs.index).toEqual(a.obs.index);
      }),
      { seed: 42, numRuns: 25 },
    );
  });
});
