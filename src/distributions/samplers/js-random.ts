/**
 * Scalar building blocks for the count samplers that run in JavaScript: a uniform source
 * seeded from the global stream, and log-factorials in double precision.
 *
 * The Poisson, binomial and multinomial samplers use exact rejection / inversion algorithms
 * whose number of uniform draws varies per element. Run elementwise in JavaScript over the
 * parameter values they need one read of the parameters and one upload of the result, and no
 * branch is evaluated for elements that do not take it (a tensor formulation would evaluate
 * every branch on every element and loop until the slowest element accepts).
 *
 * @module
 */
import seedrandom from "seedrandom";
import { nextSeed } from "../../backend/random.js";

/** A source of uniform draws in the open interval (0, 1). */
export type UniformSource = () => number;

const TWO_POW_32 = 4294967296;

/**
 * A uniform source on (0, 1) from a PRNG seeded with a fresh seed of the global stream
 * ({@link nextSeed}), so `setSeed(n)` makes every draw reproducible. Draws are 32-bit
 * `(k + ½) / 2³²`, never 0 or 1.
 */
export function seededUniform(): UniformSource {
  const prng = seedrandom.alea(String(nextSeed()));
  return () => ((prng.int32() >>> 0) + 0.5) / TWO_POW_32;
}

const TABLE_SIZE = 256;
const LOG_FACTORIAL_TABLE: Float64Array = (() => {
  const t = new Float64Array(TABLE_SIZE);
  for (let k = 1; k < TABLE_SIZE; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * `log k!` = `lgamma(k + 1)` for an integer `k ≥ 0`, in double precision: a table below 256,
 * Stirling's series above (relative error below 1e-15 there).
 */
export function logFactorial(k: number): number {
  if (k < TABLE_SIZE) return LOG_FACTORIAL_TABLE[k]!;
  const z = k + 1;
  const z2 = z * z;
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_2PI + (1 / 12 - (1 / 360 - 1 / (1260 * z2)) / z2) / z;
}
