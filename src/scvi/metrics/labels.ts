/**
 * Label encoding and the contingency table that ARI and NMI are computed from.
 *
 * @module
 */

/** A labelling of cells: category names or integer codes, one per cell. */
export type Labels = ArrayLike<string | number>;

/** Codes `0..nClasses-1` in order of first appearance, and the distinct labels. */
export function encodeLabels(labels: Labels): {
  /** Each item's class index into `classes`. */
  codes: Int32Array;
  /** The distinct labels, in index order. */
  classes: (string | number)[];
} {
  const lookup = new Map<string | number, number>();
  const classes: (string | number)[] = [];
  const codes = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i]!;
    let c = lookup.get(v);
    if (c === undefined) {
      c = classes.length;
      lookup.set(v, c);
      classes.push(v);
    }
    codes[i] = c;
  }
  return { codes, classes };
}

/** The contingency table of two labellings with its margins (all counts as float64). */
export interface Contingency {
  /** `table[i * nPred + j]`: cells with true class i and predicted cluster j. */
  table: Float64Array;
  /** Number of true classes. */
  nTrue: number;
  /** Number of predicted clusters. */
  nPred: number;
  /** Row sums (cells per true class). */
  rowSums: Float64Array;
  /** Column sums (cells per cluster). */
  colSums: Float64Array;
  /** Cells. */
  n: number;
}

/** The contingency table of `labelsTrue` against `labelsPred`; lengths must match. */
export function contingencyTable(labelsTrue: Labels, labelsPred: Labels): Contingency {
  if (labelsTrue.length !== labelsPred.length) {
    throw new Error(`contingencyTable: labelsTrue has ${labelsTrue.length} entries, labelsPred has ${labelsPred.length}`);
  }
  const t = encodeLabels(labelsTrue);
  const p = encodeLabels(labelsPred);
  const nTrue = t.classes.length;
  const nPred = p.classes.length;
  const table = new Float64Array(nTrue * nPred);
  const rowSums = new Float64Array(nTrue);
  const colSums = new Float64Array(nPred);
  for (let i = 0; i < t.codes.length; i++) {
    table[t.codes[i]! * nPred + p.codes[i]!]! += 1;
    rowSums[t.codes[i]!]! += 1;
    colSums[p.codes[i]!]! += 1;
  }
  return { table, nTrue, nPred, rowSums, colSums, n: labelsTrue.length };
}
