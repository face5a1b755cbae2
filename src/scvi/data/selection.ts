/**
 * Selections of rows or columns: integer indices or a boolean mask, normalised to indices.
 *
 * @module
 */

/** Integer positions (any order, repeats allowed) or a boolean mask of the axis' length. */
export type Selection = ArrayLike<number> | ArrayLike<boolean>;

/**
 * Converts a selection along an axis of length `n` to an `Int32Array` of positions,
 * checking bounds. An array of booleans of length `n` is a mask; anything else holds
 * positions. `what` names the axis in errors.
 */
export function toIndices(selection: Selection, n: number, what: string): Int32Array {
  const len = selection.length;
  if (len > 0 && typeof selection[0] === "boolean") {
    if (len !== n) {
      throw new Error(`${what} mask has length ${len}, expected ${n}`);
    }
    const mask = selection as ArrayLike<boolean>;
    let count = 0;
    for (let i = 0; i < len; i++) if (mask[i]) count++;
    const out = new Int32Array(count);
    let k = 0;
    for (let i = 0; i < len; i++) if (mask[i]) out[k++] = i;
    return out;
  }
  const idx = selection as ArrayLike<number>;
  const out = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    const v = idx[i];
    if (!Number.isInteger(v) || v < 0 || v >= n) {
      throw new Error(`${what} index ${v} at position ${i} is out of range [0, ${n})`);
    }
    out[i] = v;
  }
  return out;
}

/** `[0, 1, ..., n - 1]` as an `Int32Array`. */
export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}
