/**
 * Conversions between h5wasm's values (typed arrays of every width, BigInt arrays, strings)
 * and the arrays the data layer keeps, with the on-disk dtype of each dataset.
 *
 * @module
 */
import type { Metadata, OutputData } from "h5wasm/node";
import type { NumericDtype } from "../dataframe.js";

/** The attribute that marks a 0 / 1 integer dataset as booleans written by scvi-ts. */
export const BOOL_MARKER = "scvi-ts-dtype";

/** HDF5 datatype classes as h5wasm reports them in `metadata.type`. */
export const H5T = { INTEGER: 0, FLOAT: 1, STRING: 3, COMPOUND: 6, REFERENCE: 7, ENUM: 8 } as const;

/** What a dataset holds, by HDF5 class and width. */
export type H5Kind = { kind: "numeric"; dtype: NumericDtype } | { kind: "bool" } | { kind: "string" } | { kind: "other"; type: number };

/** Whether an enum type is h5py's boolean (`FALSE = 0, TRUE = 1`). */
function isBoolEnum(meta: Metadata): boolean {
  const m = meta.enum_type?.members;
  return !!m && Object.keys(m).length === 2 && m.FALSE === 0 && m.TRUE === 1;
}

/** The kind and numeric dtype of a dataset's elements. */
export function kindOf(meta: Metadata): H5Kind {
  if (meta.type === H5T.INTEGER) {
    const bits = meta.size * 8;
    return { kind: "numeric", dtype: `${meta.signed ? "int" : "uint"}${bits}` as NumericDtype };
  }
  if (meta.type === H5T.FLOAT) {
    if (meta.size !== 4 && meta.size !== 8) return { kind: "other", type: meta.type };
    return { kind: "numeric", dtype: meta.size === 4 ? "float32" : "float64" };
  }
  if (meta.type === H5T.STRING) return { kind: "string" };
  if (meta.type === H5T.ENUM && isBoolEnum(meta)) return { kind: "bool" };
  return { kind: "other", type: meta.type };
}

function isTyped(v: unknown): v is ArrayLike<number | bigint> {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** Numbers from a typed array of any width (BigInt values become numbers). */
export function toFloat64(v: OutputData, what: string): Float64Array {
  if (isTyped(v)) {
    if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, (x) => Number(x));
    return Float64Array.from(v as ArrayLike<number>);
  }
  if (typeof v === "number" || typeof v === "bigint") return Float64Array.of(Number(v));
  if (Array.isArray(v) && v.every((x) => typeof x === "number" || typeof x === "boolean")) {
    return Float64Array.from(v as (number | boolean)[], Number);
  }
  throw new Error(`${what}: expected numbers, got ${describe(v)}`);
}

/** Float32 values from a typed array of any width. */
export function toFloat32(v: OutputData, what: string): Float32Array {
  if (v instanceof Float32Array) return v;
  if (isTyped(v) && !(v instanceof BigInt64Array || v instanceof BigUint64Array)) return Float32Array.from(v as ArrayLike<number>);
  return Float32Array.from(toFloat64(v, what));
}

/** Int32 values from an integer typed array, checking that they fit. */
export function toInt32(v: OutputData, what: string): Int32Array {
  if (v instanceof Int32Array) return v;
  if (v instanceof Int8Array || v instanceof Int16Array || v instanceof Uint8Array || v instanceof Uint16Array) {
    return Int32Array.from(v);
  }
  const f = toFloat64(v, what);
  const out = new Int32Array(f.length);
  for (let i = 0; i < f.length; i++) {
    const x = f[i];
    if (!Number.isInteger(x) || x > 2147483647 || x < -2147483648) {
      throw new Error(`${what}: value ${x} at position ${i} does not fit a 32-bit integer`);
    }
    out[i] = x;
  }
  return out;
}

/** Strings from a string dataset's value. */
export function toStrings(v: OutputData, what: string): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  if (isTyped(v)) return Array.from(v as ArrayLike<number | bigint>, (x) => String(x));
  throw new Error(`${what}: expected strings, got ${describe(v)}`);
}

/** A short description of a value's type, for errors. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (ArrayBuffer.isView(v)) return v.constructor.name;
  if (Array.isArray(v)) return `array of ${v.length}`;
  return typeof v;
}

/** The typed arrays h5wasm writes numeric datasets from. */
export type NumericTypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** The typed array a numeric dtype is written from, filled from `values`. */
export function typedFor(dtype: NumericDtype, values: ArrayLike<number>): NumericTypedArray {
  switch (dtype) {
    case "float32":
      return Float32Array.from(values);
    case "float64":
      return Float64Array.from(values);
    case "int8":
      return Int8Array.from(values);
    case "int16":
      return Int16Array.from(values);
    case "int32":
      return Int32Array.from(values);
    case "uint8":
      return Uint8Array.from(values);
    case "uint16":
      return Uint16Array.from(values);
    case "uint32":
      return Uint32Array.from(values);
    case "int64":
      return BigInt64Array.from(Array.from(values, (x) => BigInt(Math.round(x))));
    case "uint64":
      return BigUint64Array.from(Array.from(values, (x) => BigInt(Math.round(x))));
  }
}
