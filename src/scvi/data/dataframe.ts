/**
 * `DataFrame`: the `obs` / `var` tables of an AnnData (one row per cell or gene).
 *
 * @module
 */
import { toIndices, type Selection } from "./selection.js";

/** The numeric dtypes a column keeps so it is written back as it was read. */
export type NumericDtype =
  | "float32"
  | "float64"
  | "int8"
  | "int16"
  | "int32"
  | "int64"
  | "uint8"
  | "uint16"
  | "uint32"
  | "uint64";

/** Numbers (NaN for missing). `dtype` is the on-disk type; values are always float64 here. */
export interface NumericColumn {
  /** The column kind. */
  readonly kind: "numeric";
  /** The dtype it has on disk. */
  readonly dtype: NumericDtype;
  /** The values, one per row. */
  readonly values: Float64Array;
}

/** True / false values, stored 0 / 1. */
export interface BooleanColumn {
  /** The column kind. */
  readonly kind: "boolean";
  /** 1 for true, 0 for false, one per row. */
  readonly values: Uint8Array;
}

/** Free text, one string per row. */
export interface StringColumn {
  /** The column kind. */
  readonly kind: "string";
  /** The strings, one per row. */
  readonly values: readonly string[];
}

/**
 * A pandas-style categorical: row `i` has category `categories[codes[i]]`, or is missing
 * when `codes[i] === -1`.
 */
export interface CategoricalColumn {
  /** The column kind. */
  readonly kind: "categorical";
  /** The categories, in code order. */
  readonly categories: readonly string[];
  /** Each row's category code (-1: missing). */
  readonly codes: Int32Array;
  /** Whether the categories are ordered. */
  readonly ordered: boolean;
}

/** One column of an `obs` / `var` table. */
export type Column = NumericColumn | BooleanColumn | StringColumn | CategoricalColumn;

/** A numeric column; `dtype` (default float64) is the type it is written with. */
export function numericColumn(values: ArrayLike<number>, dtype: NumericDtype = "float64"): NumericColumn {
  return { kind: "numeric", dtype, values: Float64Array.from(values) };
}

/** A boolean column. */
export function booleanColumn(values: ArrayLike<boolean>): BooleanColumn {
  return { kind: "boolean", values: Uint8Array.from(Array.from(values, (v) => (v ? 1 : 0))) };
}

/** A string column. */
export function stringColumn(values: ArrayLike<string>): StringColumn {
  return { kind: "string", values: Array.from(values) };
}

/** Compares strings by Unicode code point, as Python's `sorted` does. */
export function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}

/**
 * A categorical column. From `values` (null / undefined for missing) with `categories`
 * given, or else the sorted distinct values (pandas' `astype("category")`).
 *
 * @example
 * ```ts
 * const c = categoricalColumn(["b", "a", null, "b"]);
 * c.categories; // ["a", "b"]
 * c.codes;      // Int32Array [1, 0, -1, 1]
 * ```
 */
export function categoricalColumn(
  values: ArrayLike<string | null | undefined>,
  options: { categories?: readonly string[]; ordered?: boolean } = {},
): CategoricalColumn {
  const vals = Array.from(values);
  const categories =
    options.categories ??
    Array.from(new Set(vals.filter((v): v is string => v !== null && v !== undefined))).sort(compareCodePoints);
  const lookup = new Map(categories.map((c, i) => [c, i]));
  const codes = new Int32Array(vals.length);
  vals.forEach((v, i) => {
    codes[i] = v === null || v === undefined ? -1 : (lookup.get(v) ?? -1);
  });
  return { kind: "categorical", categories: [...categories], codes, ordered: options.ordered ?? false };
}

/** Row `i` of a column as a plain value (null for a missing categorical, NaN stays NaN). */
export function columnValue(col: Column, i: number): number | boolean | string | null {
  switch (col.kind) {
    case "numeric":
      return col.values[i];
    case "boolean":
      return col.values[i] === 1;
    case "string":
      return col.values[i];
    case "categorical":
      return col.codes[i] < 0 ? null : col.categories[col.codes[i]];
  }
}

function columnLength(col: Column): number {
  return col.kind === "categorical" ? col.codes.length : col.values.length;
}

function subsetColumn(col: Column, idx: Int32Array): Column {
  switch (col.kind) {
    case "numeric": {
      const out = new Float64Array(idx.length);
      idx.forEach((i, k) => (out[k] = col.values[i]));
      return { kind: "numeric", dtype: col.dtype, values: out };
    }
    case "boolean": {
      const out = new Uint8Array(idx.length);
      idx.forEach((i, k) => (out[k] = col.values[i]));
      return { kind: "boolean", values: out };
    }
    case "string":
      return { kind: "string", values: Array.from(idx, (i) => col.values[i]) };
    case "categorical": {
      const out = new Int32Array(idx.length);
      idx.forEach((i, k) => (out[k] = col.codes[i]));
      return { kind: "categorical", categories: col.categories, codes: out, ordered: col.ordered };
    }
  }
}

/**
 * A table with a string index (cell barcodes or gene names) and named, ordered columns.
 *
 * @example
 * ```ts
 * const obs = new DataFrame(["c1", "c2"], { batch: categoricalColumn(["a", "b"]) });
 * obs.get("batch").kind; // "categorical"
 * obs.get("bach");       // Error: column 'bach' not found in obs; available: batch
 * ```
 */
export class DataFrame {
  private readonly cols = new Map<string, Column>();
  /** The index values (row names). */
  readonly index: readonly string[];

  /**
   * @param index the row names
   * @param columns initial columns, in order
   * @param name what the table is called in errors (`obs`, `var`)
   * @param indexName the index' name on disk (anndata's `_index` attribute)
   */
  constructor(
    index: readonly string[],
    columns: Record<string, Column> | Iterable<[string, Column]> = {},
    public name = "table",
    public indexName = "_index",
  ) {
    this.index = [...index];
    const entries = Symbol.iterator in columns ? columns : Object.entries(columns);
    for (const [k, c] of entries as Iterable<[string, Column]>) this.set(k, c);
  }

  /** Number of rows. */
  get nRows(): number {
    return this.index.length;
  }

  /** The column names, in order. */
  get columnNames(): string[] {
    return [...this.cols.keys()];
  }

  /** Whether a column named `key` exists. */
  has(key: string): boolean {
    return this.cols.has(key);
  }

  /** The column `key`; throws naming the key and the available columns when missing. */
  get(key: string): Column {
    const col = this.cols.get(key);
    if (!col) {
      const avail = this.columnNames;
      throw new Error(
        `column '${key}' not found in ${this.name}; available: ${avail.length ? avail.join(", ") : "(none)"}`,
      );
    }
    return col;
  }

  /** Adds or replaces column `key` (its length must equal the number of rows). */
  set(key: string, col: Column): void {
    const n = columnLength(col);
    if (n !== this.index.length) {
      throw new Error(`column '${key}' of ${this.name} has ${n} rows, the table has ${this.index.length}`);
    }
    if (col.kind === "categorical") {
      for (let i = 0; i < col.codes.length; i++) {
        const c = col.codes[i];
        if (c < -1 || c >= col.categories.length) {
          throw new Error(`column '${key}' of ${this.name}: code ${c} at row ${i} is outside [-1, ${col.categories.length})`);
        }
      }
    }
    this.cols.set(key, col);
  }

  /** Removes column `key` (no-op when absent). */
  delete(key: string): void {
    this.cols.delete(key);
  }

  /** The columns as `[name, column]` pairs, in order. */
  entries(): [string, Column][] {
    return [...this.cols.entries()];
  }

  /** A new table with the selected rows, in the order given. */
  subset(rows: Selection): DataFrame {
    const idx = toIndices(rows, this.nRows, `${this.name} row`);
    return new DataFrame(
      Array.from(idx, (i) => this.index[i]),
      this.entries().map(([k, c]) => [k, subsetColumn(c, idx)] as [string, Column]),
      this.name,
      this.indexName,
    );
  }

  /** A shallow copy (columns are shared; replacing one in the copy leaves this table alone). */
  copy(): DataFrame {
    return new DataFrame(this.index, this.entries(), this.name, this.indexName);
  }
}
