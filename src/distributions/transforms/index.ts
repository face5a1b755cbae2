/**
 * Transforms between constrained spaces and the `bijectTo` registry.
 * @module
 */
export { Transform } from "./transform.js";
export { ExpTransform } from "./exp.js";
export { SoftplusTransform } from "./softplus.js";
export { SigmoidTransform } from "./sigmoid.js";
export { AffineTransform } from "./affine.js";
export { StickBreakingTransform } from "./stick-breaking.js";
export { LowerCholeskyTransform } from "./lower-cholesky.js";
export { IndependentTransform } from "./independent.js";
export { ComposeTransform, identityTransform } from "./compose.js";
export { bijectTo, registerBijectTo, type BijectionFactory } from "./biject-to.js";
