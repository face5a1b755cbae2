/**
 * Writing anndata's element encodings with h5wasm: matrices (`csr_matrix`, `array`), string
 * arrays, data frames (0.1.0 and 0.2.0) and `uns` dicts.
 *
 * h5wasm cannot create HDF5 enum types, which is how h5py stores booleans. So boolean columns
 * and values are written as `uint8` / `int8` 0 / 1 (Python reads them as integers) marked with
 * an attribute {@link BOOL_MARKER} `= "bool"` that scvi-ts' reader honours, and the
 * `ordered` flag of a categorical is an `int8`. anndata 0.8.0 passes that flag to pandas
 * unconverted and rejects it (anndata ≥ 0.9 converts it with `bool()`); the dataframe
 * encoding 0.1.0, whose categories sit in `__categories/<col>` behind an object reference,
 * reads the flag with `bool()` in every anndata version, so it is the default.
 *
 * @module
 */
import type { UnsValue } from "../anndata.js";
import type { Column, DataFrame } from "../dataframe.js";
import type { Matrix } from "../matrix/matrix.js";
import { BOOL_MARKER, typedFor, type NumericTypedArray } from "./arrays.js";
import type { Dataset, Group } from "./h5wasm.js";

/** How datasets are written. */
export interface WriteSettings {
  /** gzip level 0–9 for numeric datasets, or undefined for no compression. */
  gzipLevel?: number;
  /** The `dataframe` encoding version for `obs` and `var`. */
  dataframeEncoding: "0.1.0" | "0.2.0";
}

/** Sets anndata's `encoding-type` / `encoding-version` attributes. */
export function setEncoding(obj: Group | Dataset, type: string, version: string): void {
  obj.create_attribute("encoding-type", type);
  obj.create_attribute("encoding-version", version);
}

function chunksFor(shape: number[]): number[] {
  const target = 65536;
  if (shape.length === 1) return [Math.max(1, Math.min(shape[0], target))];
  const cols = shape.slice(1).reduce((a, b) => a * b, 1);
  return [Math.max(1, Math.min(shape[0], Math.floor(target / Math.max(1, cols)))), ...shape.slice(1)];
}

/** Writes a numeric dataset (compressed when asked and non-empty). */
export function writeNumeric(g: Group, name: string, data: NumericTypedArray, shape: number[], s: WriteSettings): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const compress = s.gzipLevel !== undefined && size > 0;
  return g.create_dataset({
    name,
    data,
    shape,
    ...(compress ? { chunks: chunksFor(shape), compression: "gzip" as const, compression_opts: s.gzipLevel } : {}),
  });
}

/** Writes a 1-D array of strings with the `string-array` encoding. */
export function writeStrings(g: Group, name: string, values: readonly string[]): Dataset {
  const d = g.create_dataset({ name, data: [...values], shape: [values.length], dtype: "S" });
  setEncoding(d, "string-array", "0.2.0");
  return d;
}

/** Writes a CSR matrix as a `csr_matrix` group or a dense one as an `array` dataset. */
export function writeMatrix(g: Group, name: string, m: Matrix, s: WriteSettings): void {
  if (m.format === "dense") {
    const d = writeNumeric(g, name, m.data, [m.shape[0], m.shape[1]], s);
    setEncoding(d, "array", "0.2.0");
    return;
  }
  const sg = g.create_group(name);
  setEncoding(sg, "csr_matrix", "0.1.0");
  sg.create_attribute("shape", BigInt64Array.from(m.shape, (x) => BigInt(x)));
  writeNumeric(sg, "data", m.data, [m.data.length], s);
  writeNumeric(sg, "indices", m.indices, [m.indices.length], s);
  writeNumeric(sg, "indptr", m.indptr, [m.indptr.length], s);
}

/** A `dict` group of matrices (`obsm`, `layers`, ...). */
export function writeMatrixDict(g: Group, name: string, items: Map<string, Matrix>, s: WriteSettings): void {
  const dg = g.create_group(name);
  setEncoding(dg, "dict", "0.1.0");
  for (const [k, m] of items) writeMatrix(dg, k, m, s);
}

function codesArray(codes: Int32Array, nCategories: number): NumericTypedArray {
  // pandas' smallest signed type that holds the codes (and -1)
  if (nCategories < 128) return Int8Array.from(codes);
  if (nCategories < 32768) return Int16Array.from(codes);
  return codes;
}

function writeColumn(g: Group, key: string, col: Column, s: WriteSettings): void {
  const n = col.kind === "categorical" ? col.codes.length : col.values.length;
  switch (col.kind) {
    case "numeric":
      setEncoding(writeNumeric(g, key, typedFor(col.dtype, col.values), [n], s), "array", "0.2.0");
      return;
    case "boolean": {
      const d = writeNumeric(g, key, Uint8Array.from(col.values), [n], s);
      setEncoding(d, "array", "0.2.0");
      d.create_attribute(BOOL_MARKER, "bool");
      return;
    }
    case "string":
      writeStrings(g, key, col.values);
      return;
    case "categorical": {
      const codes = codesArray(col.codes, col.categories.length);
      if (s.dataframeEncoding === "0.2.0") {
        const cg = g.create_group(key);
        setEncoding(cg, "categorical", "0.2.0");
        cg.create_attribute("ordered", col.ordered ? 1 : 0, null, "<b");
        setEncoding(writeNumeric(cg, "codes", codes, [n], s), "array", "0.2.0");
        writeStrings(cg, "categories", col.categories);
        return;
      }
      const cats = g.keys().includes("__categories") ? (g.get("__categories") as Group) : g.create_group("__categories");
      const catDs = writeStrings(cats, key, col.categories);
      catDs.create_attribute("ordered", col.ordered ? 1 : 0, null, "<b");
      const codeDs = writeNumeric(g, key, codes, [n], s);
      setEncoding(codeDs, "array", "0.2.0");
      codeDs.create_attribute("categories", catDs.create_reference());
      return;
    }
  }
}

/** Writes `obs` or `var` with anndata's `dataframe` encoding. */
export function writeDataFrame(g: Group, name: string, df: DataFrame, s: WriteSettings): void {
  const reserved = ["_index", "__categories"];
  for (const k of df.columnNames) {
    if (reserved.includes(k) || k === df.indexName) {
      throw new Error(`${name} column '${k}' uses a name reserved by the .h5ad format (${[...reserved, df.indexName].join(", ")})`);
    }
    if (k.includes("/")) throw new Error(`${name} column '${k}' contains '/', which HDF5 reads as a path`);
  }
  const fg = g.create_group(name);
  setEncoding(fg, "dataframe", s.dataframeEncoding);
  fg.create_attribute("_index", df.indexName);
  const cols = df.columnNames;
  if (cols.length) fg.create_attribute("column-order", cols, [cols.length], "S");
  else fg.create_attribute("column-order", new Float64Array(0));
  writeStrings(fg, df.indexName, df.index);
  for (const [k, col] of df.entries()) writeColumn(fg, k, col, s);
}

function isRectangularNumbers(v: UnsValue[]): number[] | undefined {
  // the shape of a nested array of numbers, or undefined
  if (v.every((x) => typeof x === "number")) return [v.length];
  if (v.length > 0 && v.every((x) => Array.isArray(x))) {
    const shapes = v.map((x) => isRectangularNumbers(x as UnsValue[]));
    const first = shapes[0];
    if (first && shapes.every((sh) => sh && sh.join(",") === first.join(","))) return [v.length, ...first];
  }
  return undefined;
}

/** Writes one `uns` value under `key` of `g`; `where` names it in errors. */
export function writeUnsElem(g: Group, key: string, v: UnsValue, where: string, s: WriteSettings): void {
  if (key.includes("/")) throw new Error(`${where}: key contains '/', which HDF5 reads as a path`);
  if (v === null) throw new Error(`${where} is null, which .h5ad cannot store`);
  if (typeof v === "string") {
    setEncoding(g.create_dataset({ name: key, data: v, dtype: "S" }), "string", "0.2.0");
    return;
  }
  if (typeof v === "number") {
    const data = Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER ? BigInt64Array.of(BigInt(v)) : Float64Array.of(v);
    setEncoding(g.create_dataset({ name: key, data, shape: [] }), "numeric-scalar", "0.2.0");
    return;
  }
  if (typeof v === "boolean") {
    const d = g.create_dataset({ name: key, data: Int8Array.of(v ? 1 : 0), shape: [] });
    setEncoding(d, "numeric-scalar", "0.2.0");
    d.create_attribute(BOOL_MARKER, "bool");
    return;
  }
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === "string")) {
      writeStrings(g, key, v as string[]);
      return;
    }
    if (v.length > 0 && v.every((x) => typeof x === "boolean")) {
      const d = writeNumeric(g, key, Uint8Array.from(v as boolean[], Number), [v.length], s);
      setEncoding(d, "array", "0.2.0");
      d.create_attribute(BOOL_MARKER, "bool");
      return;
    }
    const shape = v.length === 0 ? [0] : isRectangularNumbers(v);
    if (!shape) throw new Error(`${where} is an array mixing types or of uneven rows, which .h5ad cannot store`);
    const flat = (v as unknown[]).flat(shape.length) as number[];
    const ints = flat.length > 0 && flat.every((x) => Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER);
    const data = ints ? BigInt64Array.from(flat, (x) => BigInt(x)) : Float64Array.from(flat);
    setEncoding(writeNumeric(g, key, data, shape, s), "array", "0.2.0");
    return;
  }
  const dg = g.create_group(key);
  setEncoding(dg, "dict", "0.1.0");
  for (const [k, x] of Object.entries(v)) writeUnsElem(dg, k, x, `${where}['${k}']`, s);
}
