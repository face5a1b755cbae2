/**
 * Reading `uns`: nested `dict` groups of scalars (`numeric-scalar`, `string`), arrays
 * (`array`, `string-array`, `categorical`), record arrays and data frames, as plain JSON-able
 * values. Sparse matrices and other elements without a JSON form are skipped with a warning.
 *
 * @module
 */
import type { OutputData } from "h5wasm/node";
import type { UnsDict, UnsValue } from "../anndata.js";
import { H5T, kindOf, toFloat64, toStrings } from "./arrays.js";
import { child, Dataset, Group, readValue, stringAttr } from "./h5wasm.js";
import { markedBool, readDataFrame } from "./read-dataframe.js";
import { columnValue } from "../dataframe.js";

/** Nests a flat list into rows by `shape` (row-major). */
function nest(flat: UnsValue[], shape: number[]): UnsValue {
  if (shape.length <= 1) return flat;
  const [first, ...rest] = shape;
  const stride = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first }, (_, i) => nest(flat.slice(i * stride, (i + 1) * stride), rest));
}

function scalarOrArray(d: Dataset, file: string): UnsValue | undefined {
  const meta = d.metadata;
  const shape = d.shape ?? [];
  const what = `${d.path} in ${file}`;
  const k = kindOf(meta);
  if (meta.type === H5T.COMPOUND) {
    // a record array: one array per field
    const rows = readValue(d, file) as OutputData[];
    const out: UnsDict = {};
    (meta.compound_type?.members ?? []).forEach((m, j) => {
      out[m.name] = rows.map((r) => {
        const v = (r as OutputData[])[j];
        return typeof v === "string" ? v : typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : String(v);
      });
    });
    return out;
  }
  let flat: UnsValue[];
  if (k.kind === "string") flat = toStrings(readValue(d, file), what);
  else if (k.kind === "bool" || (k.kind === "numeric" && markedBool(d))) flat = Array.from(toFloat64(readValue(d, file), what), (x) => x !== 0);
  else if (k.kind === "numeric") flat = Array.from(toFloat64(readValue(d, file), what));
  else return undefined;
  return shape.length === 0 ? flat[0] : nest(flat, shape);
}

/** Reads one `uns` element; undefined (after a warning) when it has no JSON form. */
export function readUnsElem(obj: Group | Dataset, file: string): UnsValue | undefined {
  const enc = stringAttr(obj, "encoding-type");
  const skip = (why: string) => {
    console.warn(`scvi-ts: skipping uns element '${obj.path}' of ${file}: ${why}`);
    return undefined;
  };
  if (obj instanceof Dataset) {
    const v = scalarOrArray(obj, file);
    return v === undefined ? skip(`HDF5 datatype class ${obj.metadata.type} is not supported`) : v;
  }
  if (enc === undefined || enc === "dict") return readUnsDict(obj, file);
  if (enc === "categorical") return readCategoricalValues(obj, file);
  if (enc === "dataframe") {
    const { frame } = readDataFrame(obj, obj.path, file);
    const out: UnsDict = { [frame.indexName]: [...frame.index] };
    for (const [k, col] of frame.entries()) out[k] = Array.from({ length: frame.nRows }, (_, i) => columnValue(col, i));
    return out;
  }
  return skip(`encoding-type '${enc}' has no JSON form`);
}

/** A categorical in `uns` as an array of its values (null for missing). */
function readCategoricalValues(g: Group, file: string): UnsValue {
  const codes = child(g, "codes");
  const cats = child(g, "categories");
  if (!(codes instanceof Dataset) || !(cats instanceof Dataset)) return null;
  const c = toFloat64(readValue(codes, file), `${codes.path} in ${file}`);
  const names = toStrings(readValue(cats, file), `${cats.path} in ${file}`);
  return Array.from(c, (x) => (x < 0 ? null : names[x]));
}

/** Reads a `dict` group (or a group without encoding) into a plain object. */
export function readUnsDict(g: Group, file: string): UnsDict {
  const out: UnsDict = {};
  for (const key of g.keys()) {
    const obj = child(g, key);
    if (!obj) continue;
    const v = readUnsElem(obj, file);
    if (v !== undefined) out[key] = v;
  }
  return out;
}
