/**
 * Category codes for `obs` columns, as scvi-tools' `_make_column_categorical`: a column's
 * values become integer codes into a mapping (its categories).
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import { compareCodePoints, type Column } from "../dataframe.js";

/** One category of a mapping: strings for text columns, numbers or booleans otherwise. */
export type CategoryValue = string | number | boolean;

/** The values of a column (null for missing: a -1 categorical code or NaN). */
export function columnValues(col: Column): (CategoryValue | null)[] {
  switch (col.kind) {
    case "categorical":
      return Array.from(col.codes, (c) => (c < 0 ? null : col.categories[c]));
    case "numeric":
      return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
    case "boolean":
      return Array.from(col.values, (v) => v === 1);
    case "string":
      return [...col.values];
  }
}

function compareValues(a: CategoryValue, b: CategoryValue): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return compareCodePoints(String(a), String(b));
}

/** Distinct non-missing values, sorted as pandas sorts categories. */
export function sortedUnique(values: readonly (CategoryValue | null)[]): CategoryValue[] {
  const seen = new Map<string, CategoryValue>();
  for (const v of values) if (v !== null) seen.set(`${typeof v}:${String(v)}`, v);
  return [...seen.values()].sort(compareValues);
}

/**
 * The mapping pandas' `astype("category")` gives a column: a categorical keeps its categories
 * (unused ones too, in their order), anything else gets its sorted distinct values.
 */
export function defaultMapping(col: Column): CategoryValue[] {
  return col.kind === "categorical" ? [...col.categories] : sortedUnique(columnValues(col));
}

const keyOf = (v: CategoryValue) => `${typeof v}:${String(v)}`;

/**
 * Codes of `values` in `mapping`. Throws, naming the column and the first cell, on a missing
 * value or a value outside the mapping.
 */
export function encodeCategories(
  values: readonly (CategoryValue | null)[],
  mapping: readonly CategoryValue[],
  adata: AnnData,
  what: string,
): Int32Array {
  const lookup = new Map(mapping.map((m, i) => [keyOf(m), i]));
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null) {
      throw new Error(`${what} has a missing value at cell '${adata.obsNames[i]}'; categorical fields need a category for every cell`);
    }
    const c = lookup.get(keyOf(v));
    if (c === undefined) {
      throw new Error(`${what}: category '${String(v)}' of cell '${adata.obsNames[i]}' is not among the categories ${JSON.stringify(mapping)}`);
    }
    codes[i] = c;
  });
  return codes;
}

/** Warns, as scvi-tools does, when a category holds fewer than 3 cells. */
export function warnSmallCategories(codes: Int32Array, mapping: readonly CategoryValue[], what: string): void {
  const counts = new Map<number, number>();
  for (const c of codes) counts.set(c, (counts.get(c) ?? 0) + 1);
  let smallest: [number, number] | undefined;
  for (const [c, n] of counts) if (!smallest || n < smallest[1]) smallest = [c, n];
  if (smallest && smallest[1] < 3) {
    console.warn(`scvi-ts: category '${String(mapping[smallest[0]])}' of ${what} has fewer than 3 cells. Models may not train properly.`);
  }
}

/**
 * The mapping extended by the target's values it lacks (sorted), as scvi-tools' transfer;
 * throws naming the first unseen category unless `extend`.
 */
export function extendMapping(
  mapping: readonly CategoryValue[],
  values: readonly (CategoryValue | null)[],
  extend: boolean,
  what: string,
): CategoryValue[] {
  const known = new Set(mapping.map(keyOf));
  const unseen = sortedUnique(values).filter((v) => !known.has(keyOf(v)));
  if (unseen.length && !extend) {
    throw new Error(
      `${what}: category '${String(unseen[0])}' not found in the source registry (categories ${JSON.stringify(mapping)}). ` +
        `Cannot transfer the setup without extendCategories: true.`,
    );
  }
  return [...mapping, ...unseen];
}
