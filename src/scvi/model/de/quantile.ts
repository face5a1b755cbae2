/**
 * Order statistics of plain arrays as NumPy computes them (`np.quantile`'s default linear
 * interpolation, `np.median`).
 *
 * @module
 */

/** The `q`-quantile of an ascending-sorted array, interpolating linearly (NumPy's default). */
export function sortedQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error("quantile of an empty array");
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * frac;
}

/** The `q`-quantile of `values` (copied and sorted; NaN-free input assumed). */
export function quantile(values: ArrayLike<number>, q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}
