/**
 * Loads tests/fixtures/special.json (written by scripts/fixtures/gen_special.py) and compares
 * tensors with reference values, reporting the worst point on failure.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";

type Encoded = (number | "Infinity" | "-Infinity" | "NaN")[];

function decode(values: Encoded): number[] {
  return values.map((v) => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v === "NaN" ? NaN : v));
}

function decodeGroup(group: Record<string, Encoded>): Record<string, number[]> {
  return Object.fromEntries(Object.entries(group).map(([k, v]) => [k, decode(v)]));
}

interface RawFixture {
  positive: Record<string, Encoded>;
  tiny: Record<string, Encoded>;
  large: Record<string, Encoded>;
  nonpositive: Record<string, Encoded>;
  logBeta: Record<string, Encoded>;
  log1p: Record<string, Encoded>;
  log1mexp: Record<string, Encoded>;
  softplus: Record<string, Encoded>;
  logSumExp: { x: Encoded; value: Encoded; grad: Encoded }[];
}

const raw = JSON.parse(
  readFileSync(new URL("../../fixtures/special.json", import.meta.url), "utf8"),
) as RawFixture;

/** Reference values, with non-finite entries decoded to numbers. */
export const fixture = {
  positive: decodeGroup(raw.positive),
  tiny: decodeGroup(raw.tiny),
  large: decodeGroup(raw.large),
  nonpositive: decodeGroup(raw.nonpositive),
  logBeta: decodeGroup(raw.logBeta),
  log1p: decodeGroup(raw.log1p),
  log1mexp: decodeGroup(raw.log1mexp),
  softplus: decodeGroup(raw.softplus),
  logSumExp: raw.logSumExp.map((row) => ({ x: decode(row.x), value: decode(row.value)[0]!, grad: decode(row.grad) })),
};

/** Tolerance: relative `rtol` where |ref| ≥ `floor`, absolute `atol` below it. */
export interface Tolerance {
  rtol: number;
  atol: number;
  floor: number;
}

/** Largest errors found, for reporting measured accuracy. */
export interface ErrorSummary {
  maxRel: number;
  maxAbsNearZero: number;
  worst: string;
}

/**
 * Checks `got` against `ref` elementwise (non-finite references must match exactly) and
 * returns the largest relative and near-zero absolute errors. Throws naming the worst point.
 */
export function compare(
  label: string,
  got: ArrayLike<number>,
  ref: readonly number[],
  args: readonly (number | string)[],
  tol: Tolerance,
): ErrorSummary {
  let maxRel = 0;
  let maxAbsNearZero = 0;
  let worstScore = 0;
  let worst = "none";
  const failures: string[] = [];
  for (let i = 0; i < ref.length; i++) {
    const g = got[i]!;
    const r = ref[i]!;
    const where = `${label}(${args[i]}) = ${g}, reference ${r}`;
    if (!Number.isFinite(r)) {
      if (!Object.is(g, r) && !(Number.isNaN(r) && Number.isNaN(g))) failures.push(where);
      continue;
    }
    const err = Math.abs(g - r);
    if (!(err <= Infinity)) {
      failures.push(where);
      continue;
    }
    let score: number;
    if (Math.abs(r) >= tol.floor) {
      const rel = err / Math.abs(r);
      maxRel = Math.max(maxRel, rel);
      score = rel / tol.rtol;
    } else {
      maxAbsNearZero = Math.max(maxAbsNearZero, err);
      score = err / tol.atol;
    }
    if (score > worstScore) {
      worstScore = score;
      worst = where;
    }
    if (score > 1) failures.push(`${where} (error ${err.toExponential(2)})`);
  }
  if (failures.length > 0) {
    throw new Error(`${label}: ${failures.length} of ${ref.length} points out of tolerance, e.g.\n  ${failures.slice(0, 5).join("\n  ")}`);
  }
  return { maxRel, maxAbsNearZero, worst };
}

/** Evaluates `f` on a 1-D float32 tensor of `x` and returns the values. */
export function evaluate(f: (t: tf.Tensor) => tf.Tensor, x: readonly number[]): Float32Array {
  // (Returning the typed array from tf.tidy would make tidy scan every element for tensors.)
  const out = tf.tidy(() => f(tf.tensor1d(x as number[], "float32")));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}

/** How many tensors `fn`, run inside `tf.tidy`, left behind (0 when it disposes everything). */
export function leakedTensors(fn: () => unknown): number {
  const before = tf.memory().numTensors;
  tf.tidy(() => {
    fn();
  });
  return tf.memory().numTensors - before;
}
