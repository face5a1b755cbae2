/**
 * Test helper: compares an AnnData read by scvi-ts with the JSON summary Python's anndata
 * produced for the same file (scripts/fixtures/check_h5ad.py).
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import type { AnnData, UnsValue } from "../../../src/scvi/data/anndata.js";
import type { Column, DataFrame } from "../../../src/scvi/data/dataframe.js";
import type { Matrix } from "../../../src/scvi/data/matrix/matrix.js";

export interface MatrixSummary {
  format: string;
  dtype: string;
  shape: [number, number];
  values: (number | null)[][];
}

export interface ColumnSummary {
  kind: "categorical" | "numeric" | "bool" | "string";
  dtype?: string;
  values?: (number | string | boolean | null)[];
  categories?: string[];
  codes?: number[];
  ordered?: boolean;
}

export interface FrameSummary {
  index: string[];
  columns: Record<string, ColumnSummary>;
  column_order: string[];
}

export type UnsSummary =
  | { type: "dict"; items: Record<string, UnsSummary> }
  | { type: "string"; value: string }
  | { type: "scalar"; dtype: string; value: number | boolean | null }
  | { type: "array"; dtype: string; shape: number[]; values: (number | string | null)[] };

export interface AnnDataSummary {
  anndata_version: string;
  n_obs: number;
  n_vars: number;
  X: MatrixSummary | null;
  obs: FrameSummary;
  var: FrameSummary;
  obsm: Record<string, MatrixSummary>;
  layers: Record<string, MatrixSummary>;
  uns: UnsSummary;
}

/** Loads a summary JSON written by the fixture generator. */
export function loadSummary(path: string): AnnDataSummary {
  return JSON.parse(readFileSync(path, "utf8")) as AnnDataSummary;
}

/** float32 rounding of the expected values (scvi-ts keeps matrices as float32). */
function f32(v: number | null): number {
  return v === null ? NaN : Math.fround(v);
}

export function expectMatrix(m: Matrix, s: MatrixSummary, what: string): void {
  expect(m.shape, `${what} shape`).toEqual(s.shape);
  const dense = m.toDense();
  const want = Float32Array.from(s.values.flat(), f32);
  expect(Array.from(dense.data), `${what} values`).toEqual(Array.from(want));
}

export function expectColumn(col: Column, s: ColumnSummary, what: string): void {
  switch (s.kind) {
    case "categorical":
      expect(col.kind, what).toBe("categorical");
      if (col.kind !== "categorical") return;
      expect(col.categories, `${what} categories`).toEqual(s.categories);
      expect(Array.from(col.codes), `${what} codes`).toEqual(s.codes);
      expect(col.ordered, `${what} ordered`).toBe(s.ordered);
      return;
    case "numeric":
      expect(col.kind, what).toBe("numeric");
      if (col.kind !== "numeric") return;
      expect(col.dtype, `${what} dtype`).toBe(s.dtype);
      expect(Array.from(col.values, (v) => (Number.isNaN(v) ? null : v)), `${what} values`).toEqual(
        (s.values as (number | null)[]).map((v) => (v === null ? null : s.dtype === "float32" ? Math.fround(v) : v)),
      );
      return;
    case "bool":
      expect(col.kind, what).toBe("boolean");
      if (col.kind !== "boolean") return;
      expect(Array.from(col.values, (v) => v === 1), `${what} values`).toEqual(s.values);
      return;
    case "string":
      expect(col.kind, what).toBe("string");
      if (col.kind !== "string") return;
      expect(col.values, `${what} values`).toEqual(s.values);
      return;
  }
}

export function expectFrame(df: DataFrame, s: FrameSummary, what: string): void {
  expect(df.index, `${what} index`).toEqual(s.index);
  expect(df.columnNames, `${what} columns`).toEqual(s.column_order);
  for (const k of s.column_order) expectColumn(df.get(k), s.columns[k], `${what}.${k}`);
}

/** Converts a Python uns summary to the plain value scvi-ts should hold. */
export function unsFromSummary(s: UnsSummary): UnsValue {
  switch (s.type) {
    case "dict":
      return Object.fromEntries(Object.entries(s.items).map(([k, v]) => [k, unsFromSummary(v)]));
    case "string":
      return s.value;
    case "scalar":
      return s.value;
    case "array": {
      const nest = (flat: (number | string | null)[], shape: number[]): UnsValue =>
        shape.length <= 1
          ? flat
          : Array.from({ length: shape[0] }, (_, i) => {
              const stride = shape.slice(1).reduce((a, b) => a * b, 1);
              return nest(flat.slice(i * stride, (i + 1) * stride), shape.slice(1));
            });
      return nest(s.values, s.shape);
    }
  }
}

/** Everything of `adata` against the summary of what Python's anndata read. */
export function expectAnnData(adata: AnnData, s: AnnDataSummary): void {
  expect(adata.shape).toEqual([s.n_obs, s.n_vars]);
  if (s.X) {
    expect(adata.X).not.toBeNull();
    expectMatrix(adata.X as Matrix, s.X, "X");
  } else {
    expect(adata.X).toBeNull();
  }
  expectFrame(adata.obs, s.obs, "obs");
  expectFrame(adata.var, s.var, "var");
  expect([...adata.obsm.keys()].sort()).toEqual(Object.keys(s.obsm).sort());
  for (const [k, m] of Object.entries(s.obsm)) expectMatrix(adata.obsm.get(k) as Matrix, m, `obsm.${k}`);
  expect([...adata.layers.keys()].sort()).toEqual(Object.keys(s.layers).sort());
  for (const [k, m] of Object.entries(s.layers)) expectMatrix(adata.layers.get(k) as Matrix, m, `layers.${k}`);
  expect(adata.uns).toEqual(unsFromSummary(s.uns));
}
