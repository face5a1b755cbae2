/**
 * Monte Carlo summaries and the tolerance rule of the property-test kit: every statistical
 * comparison allows `z` standard errors (from the draws themselves) plus a small floating-point
 * allowance, so a correct estimator passes and a biased one of any visible size fails.
 * @module
 */

/** A Monte Carlo estimate: mean of the draws, its standard error and the number of draws. */
export interface Estimate {
  /** The sample mean. */
  readonly mean: number;
  /** The standard error of the mean, `sd / √n`. */
  readonly se: number;
  /** The sample standard deviation. */
  readonly sd: number;
  /** The number of draws. */
  readonly n: number;
}

/** Summarises draws as mean ± standard error. */
export function estimate(draws: ArrayLike<number>): Estimate {
  const n = draws.length;
  if (n < 2) throw new Error(`estimate: need at least 2 draws, got ${n}`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += draws[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (draws[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  return { mean, se: sd / Math.sqrt(n), sd, n };
}

/** Elementwise difference of paired draws (for comparisons under common random numbers). */
export function differences(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new Error(`differences: ${a.length} vs ${b.length} draws`);
  return Float64Array.from({ length: a.length }, (_, i) => a[i]! - b[i]!);
}

/** Tolerance settings of statistical checks. */
export interface Tolerance {
  /** Standard errors allowed (default 4: a correct estimator fails with probability ~6e-5 per comparison). */
  z?: number;
  /** Absolute floating-point allowance added to the statistical one (default 1e-4 · (1 + |target|)). */
  absTol?: number;
}

/** The failure of a kit check: a message naming the invariant, the numbers and the case. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvariantError";
  }
}

function floatAllowance(target: number, tol: Tolerance): number {
  return tol.absTol ?? 1e-4 * (1 + Math.abs(target));
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toPrecision(6) : String(x);
}

/** Throws an {@link InvariantError} unless `|est.mean − target| ≤ z·se + absTol`. */
export function expectMeanClose(what: string, est: Estimate, target: number, tol: Tolerance = {}, context = ""): void {
  const z = tol.z ?? 4;
  const allowed = z * est.se + floatAllowance(target, tol);
  const diff = est.mean - target;
  if (!(Math.abs(diff) <= allowed)) {
    throw new InvariantError(
      `${what}: Monte Carlo mean ${fmt(est.mean)} ± ${fmt(est.se)} (n=${est.n}) differs from ${fmt(target)} by ${fmt(diff)}, more than ${z} standard errors + ${fmt(floatAllowance(target, tol))}${context ? `\n${context}` : ""}`,
    );
  }
}

/** Throws unless `est.mean ≤ bound + z·se + absTol`. */
export function expectMeanAtMost(what: string, est: Estimate, bound: number, tol: Tolerance = {}, context = ""): void {
  const z = tol.z ?? 4;
  const allowed = z * est.se + floatAllowance(bound, tol);
  if (!(est.mean - bound <= allowed)) {
    throw new InvariantError(
      `${what}: Monte Carlo mean ${fmt(est.mean)} ± ${fmt(est.se)} (n=${est.n}) exceeds ${fmt(bound)} by ${fmt(est.mean - bound)}, more than ${z} standard errors + ${fmt(floatAllowance(bound, tol))}${context ? `\n${context}` : ""}`,
    );
  }
}

/** Throws unless `|a − b| ≤ absTol` (deterministic comparisons: same seed, same draws). */
export function expectEqual(what: string, a: number, b: number, absTol: number, context = ""): void {
  if (!(Math.abs(a - b) <= absTol)) {
    throw new InvariantError(`${what}: ${fmt(a)} vs ${fmt(b)} (difference ${fmt(a - b)}, allowed ${fmt(absTol)})${context ? `\n${context}` : ""}`);
  }
}
