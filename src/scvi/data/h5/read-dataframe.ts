/**
 * Reading `obs` / `var` tables: anndata's `dataframe` encoding (0.2.0, and 0.1.0 whose
 * categoricals point at `__categories/<col>` through object references), and the pre-0.7
 * layout where the table is one compound-typed dataset.
 *
 * @module
 */
import type { Metadata, OutputData } from "h5wasm/node";
import { DataFrame, type Column, type NumericDtype } from "../dataframe.js";
import { BOOL_MARKER, describe, H5T, kindOf, toFloat64, toInt32, toStrings } from "./arrays.js";
import { child, Dataset, Group, readValue, Reference, stringAttr } from "./h5wasm.js";

/** Strings from any 1-D dataset (numbers are formatted), e.g. an index or categories. */
function readStrings(d: Dataset, file: string): string[] {
  return toStrings(readValue(d, file), `${d.path} in ${file}`);
}

function attrList(obj: Group, name: string): string[] {
  if (!(name in obj.attrs)) return [];
  const v = obj.attrs[name].value;
  if (v === null) return [];
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.map(String);
  return []; // anndata writes an empty column-order as an empty float array
}

function truthy(v: OutputData | null): boolean {
  if (v === null) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "number" || typeof v === "bigint") return Number(v) !== 0;
  if (ArrayBuffer.isView(v) && "length" in v && (v as ArrayLike<number>).length === 1) return Number((v as ArrayLike<number>)[0]) !== 0;
  return false;
}

function categorical(codes: Int32Array, categories: string[], ordered: boolean, where: string): Column {
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] < -1 || codes[i] >= categories.length) {
      throw new Error(`categorical '${where}': code ${codes[i]} at row ${i} is outside [-1, ${categories.length})`);
    }
  }
  return { kind: "categorical", categories, codes, ordered };
}

/** Whether scvi-ts wrote this 0 / 1 integer dataset for booleans (h5wasm has no HDF5 boolean). */
export function markedBool(d: Dataset): boolean {
  return stringAttr(d, BOOL_MARKER) === "bool";
}

/** A column from a plain dataset, by its element type. */
function plainColumn(d: Dataset, file: string): Column | string {
  const k = kindOf(d.metadata);
  const what = `${d.path} in ${file}`;
  if (k.kind === "numeric" && !markedBool(d)) return { kind: "numeric", dtype: k.dtype, values: toFloat64(readValue(d, file), what) };
  if (k.kind === "bool" || k.kind === "numeric") return { kind: "boolean", values: Uint8Array.from(toFloat64(readValue(d, file), what)) };
  if (k.kind === "string") return { kind: "string", values: readStrings(d, file) };
  return `HDF5 datatype class ${k.type}`;
}

/** Reads one column; returns a reason string when the column's encoding is not supported. */
function readColumn(frame: Group, key: string, file: string): Column | string {
  const obj = child(frame, key);
  if (!obj) return "missing";
  const where = `${obj.path} in ${file}`;
  if (obj instanceof Dataset) {
    if ("categories" in obj.attrs) {
      // dataframe 0.1.0: codes here, categories in a referenced dataset
      const ref = obj.attrs.categories.value;
      const r0 = Array.isArray(ref) ? ref[0] : ref;
      // (typed as a region; an object reference dereferences to the dataset itself)
      const target: unknown = r0 instanceof Reference ? frame.dereference(r0) : null;
      if (!(target instanceof Dataset)) return "a 'categories' attribute that is not an object reference";
      const ordered = "ordered" in target.attrs ? truthy(target.attrs.ordered.value) : false;
      return categorical(toInt32(readValue(obj, file), where), readStrings(target, file), ordered, where);
    }
    return plainColumn(obj, file);
  }
  const enc = stringAttr(obj, "encoding-type");
  if (enc === "categorical") {
    const codes = child(obj, "codes");
    const cats = child(obj, "categories");
    if (!(codes instanceof Dataset) || !(cats instanceof Dataset)) return "a categorical group without codes and categories";
    const ordered = "ordered" in obj.attrs ? truthy(obj.attrs.ordered.value) : false;
    return categorical(toInt32(readValue(codes, file), where), readStrings(cats, file), ordered, where);
  }
  if (enc === "nullable-integer" || enc === "nullable-boolean") {
    const valuesDs = child(obj, "values");
    if (!(valuesDs instanceof Dataset)) return `a ${enc} group without values`;
    const values = toFloat64(readValue(valuesDs, file), where);
    const maskDs = child(obj, "mask");
    const mask = maskDs instanceof Dataset ? toFloat64(readValue(maskDs, file), where) : undefined;
    const anyMissing = mask ? mask.some((m) => m !== 0) : false;
    if (!anyMissing) {
      if (enc === "nullable-boolean") return { kind: "boolean", values: Uint8Array.from(values) };
      const k = kindOf(valuesDs.metadata);
      return { kind: "numeric", dtype: k.kind === "numeric" ? k.dtype : "float64", values };
    }
    mask?.forEach((m, i) => {
      if (m !== 0) values[i] = NaN;
    });
    return { kind: "numeric", dtype: "float64", values };
  }
  return `encoding-type '${enc ?? "missing"}'`;
}

/** The result of reading a table: the frame and whether it used a pre-0.8 layout. */
export interface ReadFrame {
  frame: DataFrame;
  /** True for the compound-dataset layout (categories then live in `uns/<col>_categories`). */
  legacyCompound: boolean;
}

function readCompound(d: Dataset, name: string, file: string): ReadFrame {
  const meta = d.metadata;
  const members = meta.compound_type?.members ?? [];
  if (members.length === 0) throw new Error(`'${d.path}' in ${file} is a compound dataset without fields`);
  const rows = readValue(d, file);
  if (!Array.isArray(rows)) throw new Error(`'${d.path}' in ${file}: expected records, got ${describe(rows)}`);
  const column = (j: number): OutputData[] => rows.map((r) => (r as OutputData[])[j]);
  const index = column(0).map(String);
  const cols: [string, Column][] = [];
  members.slice(1).forEach((m: Metadata & { name: string }, jm) => {
    const vals = column(jm + 1);
    const k = kindOf(m);
    if (k.kind === "numeric") cols.push([m.name, { kind: "numeric", dtype: k.dtype as NumericDtype, values: Float64Array.from(vals, (v) => Number(v)) }]);
    else if (k.kind === "bool") cols.push([m.name, { kind: "boolean", values: Uint8Array.from(vals, (v) => (Number(v) ? 1 : 0)) }]);
    else if (k.kind === "string") cols.push([m.name, { kind: "string", values: vals.map(String) }]);
    else console.warn(`scvi-ts: skipping ${name} field '${m.name}' of ${file}: unsupported HDF5 datatype class ${m.type}`);
  });
  return { frame: new DataFrame(index, cols, name, members[0].name), legacyCompound: true };
}

/** Reads `obs` or `var` (`name`) from its group or legacy compound dataset. */
export function readDataFrame(obj: Group | Dataset, name: string, file: string): ReadFrame {
  if (obj instanceof Dataset) {
    if (obj.metadata.type === H5T.COMPOUND) return readCompound(obj, name, file);
    throw new Error(`'${obj.path}' in ${file} is neither a dataframe group nor a record array`);
  }
  const enc = stringAttr(obj, "encoding-type");
  const ver = stringAttr(obj, "encoding-version");
  if (enc !== "dataframe") {
    throw new Error(`'${obj.path}' in ${file} has encoding-type '${enc ?? "missing"}', expected 'dataframe'`);
  }
  if (ver !== "0.1.0" && ver !== "0.2.0") {
    throw new Error(`'${obj.path}' in ${file}: dataframe encoding-version '${ver}' is not supported (0.1.0, 0.2.0)`);
  }
  const indexKey = stringAttr(obj, "_index") ?? "_index";
  const indexDs = child(obj, indexKey);
  if (!(indexDs instanceof Dataset)) throw new Error(`'${obj.path}' in ${file} has no index dataset '${indexKey}'`);
  const index = readStrings(indexDs, file);
  const cols: [string, Column][] = [];
  for (const key of attrList(obj, "column-order")) {
    const col = readColumn(obj, key, file);
    if (typeof col === "string") {
      console.warn(`scvi-ts: skipping ${name} column '${key}' of ${file}: ${col} is not supported`);
      continue;
    }
    cols.push([key, col]);
  }
  return { frame: new DataFrame(index, cols, name, indexKey), legacyCompound: false };
}
