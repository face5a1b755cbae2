/**
 * Which cells each comparison uses (scvi-tools' `_de_core` with `_prepare_obs`): groups of an
 * `obs` column, one vs rest or against a reference group, or two explicit cell sets.
 *
 * @module
 */
import { compareCodePoints, type Column, type DataFrame } from "../../data/dataframe.js";
import type { CellSelector, DeComparison, DifferentialExpressionOptions, GroupValue } from "./options.js";
import { pythonFloatRepr } from "./python-repr.js";

/** The two cell sets of one comparison, and its labels when groups come from `groupby`. */
export interface CellGroups {
  /** Indices of the first population's cells. */
  cells1: Int32Array;
  /** Indices of the second population's cells. */
  cells2: Int32Array;
  /** The `comparison`, `group1`, `group2` columns (absent for `idx1` / `idx2`). */
  labels?: DeComparison;
}

/** A column seen as groups: printed category names, and each row's category (−1: missing). */
export interface GroupColumn {
  /** Category names as pandas would print them, in pandas' category order. */
  names: string[];
  /** For numeric columns, the category values (to match numbers by value). */
  values?: number[];
  /** Row → category index, −1 where missing. */
  codes: Int32Array;
}

function encode<T>(items: readonly T[], present: (i: number) => boolean, key: (v: T) => T, sorted: T[]): Int32Array {
  const lookup = new Map(sorted.map((v, i) => [v, i]));
  return Int32Array.from(items, (v, i) => (present(i) ? (lookup.get(key(v)) ?? -1) : -1));
}

/**
 * The groups of an `obs` column as `astype("category")` makes them: a categorical keeps its
 * categories; strings, booleans and numbers become their sorted distinct values.
 */
export function groupColumn(col: Column): GroupColumn {
  switch (col.kind) {
    case "categorical":
      return { names: [...col.categories], codes: Int32Array.from(col.codes) };
    case "string": {
      const sorted = [...new Set(col.values)].sort(compareCodePoints);
      return { names: sorted, codes: encode(col.values, () => true, (v) => v, sorted) };
    }
    case "boolean": {
      const vals = Array.from(col.values);
      const sorted = [...new Set(vals)].sort((a, b) => a - b);
      return { names: sorted.map((v) => (v ? "True" : "False")), codes: encode(vals, () => true, (v) => v, sorted) };
    }
    case "numeric": {
      const vals = Array.from(col.values);
      const sorted = [...new Set(vals.filter((v) => !Number.isNaN(v)))].sort((a, b) => a - b);
      const isFloat = col.dtype === "float32" || col.dtype === "float64";
      const names = sorted.map((v) => (isFloat ? pythonFloatRepr(v) : String(v)));
      return { names, values: sorted, codes: encode(vals, (i) => !Number.isNaN(vals[i]!), (v) => v, sorted) };
    }
  }
}

/** The category of `g` in `gc`, or −1: by value for numbers in numeric columns, else by name. */
export function findGroup(gc: GroupColumn, g: GroupValue): number {
  if (gc.values && typeof g !== "boolean") {
    const v = typeof g === "number" ? g : Number(g);
    const k = gc.values.indexOf(v);
    if (k >= 0) return k;
  }
  const name = typeof g === "boolean" ? (g ? "True" : "False") : String(g);
  return gc.names.indexOf(name);
}

function indicesWhere(n: number, keep: (i: number) => boolean): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep(i)) out.push(i);
  return Int32Array.from(out);
}

/** A selector as a 0/1 mask over the cells (indices are checked to be in range). */
export function selectorMask(sel: CellSelector, nObs: number, name: string): Uint8Array {
  const mask = new Uint8Array(nObs);
  if (sel.length > 0 && typeof sel[0] === "boolean") {
    if (sel.length !== nObs) throw new Error(`differentialExpression: ${name} is a mask of ${sel.length} values, the data has ${nObs} cells`);
    for (let i = 0; i < nObs; i++) mask[i] = sel[i] ? 1 : 0;
    return mask;
  }
  for (let k = 0; k < sel.length; k++) {
    const i = sel[k] as number;
    if (!Number.isInteger(i) || i < 0 || i >= nObs) throw new Error(`differentialExpression: ${name}[${k}] = ${i} is not a cell index in [0, ${nObs})`);
    mask[i] = 1;
  }
  return mask;
}

/** The two populations given by `idx1` (and `idx2`, else the rest); cells in both go to `idx2`. */
function explicitGroups(idx1: CellSelector, idx2: CellSelector | undefined, nObs: number): CellGroups {
  const m1 = selectorMask(idx1, nObs, "idx1");
  const m2 = idx2 === undefined ? undefined : selectorMask(idx2, nObs, "idx2");
  const in1 = (i: number) => m1[i] === 1 && !(m2 && m2[i] === 1);
  const cells1 = indicesWhere(nObs, in1);
  const cells2 = indicesWhere(nObs, m2 ? (i) => m2[i] === 1 : (i) => !in1(i));
  if (cells1.length === 0 || cells2.length === 0) {
    throw new Error(`differentialExpression: ${cells1.length === 0 ? "idx1" : idx2 === undefined ? "the cells outside idx1" : "idx2"} has no cells`);
  }
  return { cells1, cells2 };
}

function unknownGroup(what: string, g: GroupValue, groupby: string, gc: GroupColumn): Error {
  return new Error(`differentialExpression: ${what} '${String(g)}' is not a group of obs['${groupby}']; groups: ${gc.names.join(", ")}`);
}

/**
 * The comparisons to run: for each `group1` (default every non-empty group) its cells against
 * `group2`'s cells or, without `group2`, against every other cell (including cells whose
 * `groupby` value is missing), as scvi-tools does. With `idx1`, one comparison of those cells.
 */
export function selectComparisons(obs: DataFrame, options: DifferentialExpressionOptions): CellGroups[] {
  const nObs = obs.nRows;
  if (options.idx1 !== undefined) return [explicitGroups(options.idx1, options.idx2, nObs)];
  if (options.idx2 !== undefined) throw new Error("differentialExpression: idx2 needs idx1");
  const groupby = options.groupby;
  if (groupby === undefined) throw new Error("differentialExpression: give groupby (an obs column) or idx1");
  if (!obs.has(groupby)) {
    throw new Error(`differentialExpression: groupby '${groupby}' is not a column of obs; available: ${obs.columnNames.join(", ") || "(none)"}`);
  }
  const gc = groupColumn(obs.get(groupby));
  const sizes = new Int32Array(gc.names.length);
  for (const c of gc.codes) if (c >= 0) sizes[c]!++;
  let first: number[];
  if (options.group1 === undefined) {
    first = gc.names.map((_, k) => k).filter((k) => sizes[k]! > 0);
    if (first.length < 2) throw new Error(`differentialExpression: obs['${groupby}'] has a single group (${gc.names.join(", ")}); can't run DE on a single group`);
  } else {
    const list: readonly GroupValue[] = Array.isArray(options.group1) ? options.group1 : [options.group1 as GroupValue];
    first = list.map((g) => {
      const k = findGroup(gc, g);
      if (k < 0) throw unknownGroup("group1", g, groupby, gc);
      return k;
    });
  }
  let second: number | undefined;
  if (options.group2 !== undefined) {
    second = findGroup(gc, options.group2);
    if (second < 0) throw unknownGroup("group2", options.group2, groupby, gc);
  }
  return first.map((k) => {
    const cells1 = indicesWhere(nObs, (i) => gc.codes[i] === k);
    const cells2 = indicesWhere(nObs, second === undefined ? (i) => gc.codes[i] !== k : (i) => gc.codes[i] === second);
    const group1 = gc.names[k]!;
    const group2 = second === undefined ? "Rest" : gc.names[second]!;
    if (cells1.length === 0) throw new Error(`differentialExpression: group1 '${group1}' of obs['${groupby}'] has no cells`);
    if (cells2.length === 0) throw new Error(`differentialExpression: group2 '${group2}' of obs['${groupby}'] (against '${group1}') has no cells`);
    return { cells1, cells2, labels: { comparison: `${group1} vs ${group2}`, group1, group2 } };
  });
}
