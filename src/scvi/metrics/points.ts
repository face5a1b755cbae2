/**
 * The plain row-major matrices the metrics take: a latent space, PCA scores, any cells ×
 * features table (a model's `PlainMatrix` fits as it is).
 *
 * @module
 */

/** A row-major matrix of numbers: `shape = [rows, cols]`, `data[i * cols + j]`. */
export interface RowMatrix {
  /** `[rows, cols]`. */
  readonly shape: readonly [number, number];
  /** Row-major values. */
  readonly data: ArrayLike<number>;
}

/** Checks that `m.data` holds `rows × cols` values; throws naming `what` otherwise. */
export function checkRowMatrix(m: RowMatrix, what: string): void {
  const [r, c] = m.shape;
  if (!Number.isInteger(r) || !Number.isInteger(c) || r < 0 || c < 0) {
    throw new Error(`${what}: shape must be two non-negative integers, got [${m.shape.join(", ")}]`);
  }
  if (m.data.length !== r * c) {
    throw new Error(`${what}: shape [${r}, ${c}] needs ${r * c} values, got ${m.data.length}`);
  }
}

/** Squared Euclidean distance between row `i` of `a` and row `j` of `b` (both `d` columns). */
export function squaredDistance(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, d: number): number {
  let s = 0;
  const oa = i * d;
  const ob = j * d;
  for (let k = 0; k < d; k++) {
    const t = a[oa + k]! - b[ob + k]!;
    s += t * t;
  }
  return s;
}
