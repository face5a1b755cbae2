/**
 * Test helpers for the structural distributions, transforms and KL tests: the torch/SciPy
 * fixture, closeness checks, an autodiff Jacobian and a plain-JS log|det|.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";

type Nested = number | Nested[];

/** The reference values written by scripts/fixtures/gen_structural.py. */
export interface StructuralFixture {
  linalg: { a: Nested; cholesky: Nested; b: Nested; lowerSolve: Nested; upperSolve: Nested }[];
  mvn: {
    name: string;
    loc: Nested;
    covarianceMatrix: Nested;
    scaleTril: Nested;
    precisionMatrix: Nested;
    value: Nested;
    logProb: Nested;
    entropy: Nested;
    variance: Nested;
    batchShape: number[];
  }[];
  lowrank: {
    name: string;
    loc: Nested;
    covFactor: Nested;
    covDiag: Nested;
    value: Nested;
    logProb: Nested;
    entropy: Nested;
    variance: Nested;
    covarianceMatrix: Nested;
    precisionMatrix: Nested;
    batchShape: number[];
  }[];
  transforms: { name: string; x: Nested; y: Nested; inverse: Nested; logAbsDetJacobian: Nested }[];
  transformed: {
    loc: Nested;
    scale: Nested;
    value: Nested;
    logNormalLogProb: Nested;
    stickBreaking: { loc: Nested; scale: Nested; value: Nested; logProb: Nested; batchShape: number[]; eventShape: number[] };
  };
  kl: { family: string; p: Record<string, Nested>; q: Record<string, Nested>; kl: Nested }[];
}

export const fixture: StructuralFixture = JSON.parse(
  readFileSync(new URL("../fixtures/structural.json", import.meta.url), "utf8"),
) as StructuralFixture;

/** A float32 tensor from nested numbers. */
export function t(x: Nested): tf.Tensor {
  return tf.tensor(x as number[], undefined, "float32");
}

/** Flattens nested numbers. */
export function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

/** Shape of nested numbers. */
export function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...shapeOf(x[0]!)] : [];
}

/**
 * Expects `actual` to have `expected`'s shape and values within `atol + rtol·|expected|`,
 * naming the first offending element.
 */
export function expectClose(actual: tf.Tensor, expected: Nested | tf.Tensor, rtol = 1e-4, atol = 1e-5): void {
  const want = expected instanceof tf.Tensor ? Array.from(expected.dataSync()) : flat(expected);
  const wantShape = expected instanceof tf.Tensor ? expected.shape : shapeOf(expected);
  expect(actual.shape).toEqual(wantShape);
  const got = Array.from(actual.dataSync());
  for (let i = 0; i < want.length; i++) {
    const tol = atol + rtol * Math.abs(want[i]!);
    if (!(Math.abs(got[i]! - want[i]!) <= tol)) {
      throw new Error(`element ${i}: got ${got[i]}, expected ${want[i]} (tolerance ${tol.toExponential(2)})`);
    }
  }
}

/**
 * The Jacobian `∂ f(x)[outIndex[i]] / ∂ x[j]` of a function of a flat vector, one `tf.grad`
 * per output coordinate. Small sizes only.
 */
export function jacobian(f: (x: tf.Tensor1D) => tf.Tensor, x: number[], outIndex?: number[]): number[][] {
  const xt = tf.tensor1d(x);
  const outSize = outIndex?.length ?? tf.tidy(() => f(xt).size);
  const rows: number[][] = [];
  for (let i = 0; i < outSize; i++) {
    const k = outIndex ? outIndex[i]! : i;
    const g = tf.tidy(() => tf.grad((v: tf.Tensor) => f(v as tf.Tensor1D).reshape([-1]).slice([k], [1]).sum())(xt));
    rows.push(Array.from(g.dataSync()));
    g.dispose();
  }
  xt.dispose();
  return rows;
}

/** log|det A| by Gaussian elimination with partial pivoting (float64). */
export function logAbsDet(a: number[][]): number {
  const n = a.length;
  const m = a.map((r) => [...r]);
  let total = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const pivot = m[c]![c]!;
    if (pivot === 0) return -Infinity;
    total += Math.log(Math.abs(pivot));
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pivot;
      for (let k = c; k < n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return total;
}

/** Runs `fn` inside `tf.tidy` twice and expects no live tensors to remain the second time. */
export function expectNoLeak(fn: () => unknown): void {
  tf.tidy(() => {
    fn();
  });
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    fn();
  });
  expect(tf.memory().numTensors).toBe(before);
}
