/**
 * Special functions TensorFlow.js lacks (or gets wrong on some backend), as differentiable
 * float32 tensor ops with exact gradients:
 *
 * - `lgamma`, `digamma`, `trigamma`, `tetragamma` (`special/gamma.ts`): shifted Stirling
 *   series, no branches, domain x > 0;
 * - `logBeta` (`special/beta.ts`): stable when one argument dwarfs the other;
 * - `log1p`, `log1mexp`, `softplus`, `logSigmoid` (`special/logexp.ts`): `log1p` replaces
 *   `tf.log1p`, which is inaccurate for small x on the WebAssembly backend;
 * - `logSumExp` (`special/logsumexp.ts`): -Infinity, not NaN, when every term is -Infinity.
 *
 * Each accepts numbers, arrays or tensors, and is checked against scipy / mpmath reference
 * values (`scripts/fixtures/gen_special.py`) in `tests/distributions/special.test.ts`.
 *
 * @module
 */
export { lgamma, digamma, trigamma, tetragamma } from "./special/gamma.js";
export { logBeta } from "./special/beta.js";
export { log1p, log1mexp, softplus, logSigmoid } from "./special/logexp.js";
export { logSumExp } from "./special/logsumexp.js";
