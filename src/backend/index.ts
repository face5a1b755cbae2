/**
 * Tensor backends, seeding and tensor utilities.
 * @module
 */
export { ready, getBackend, type BackendName } from "./select.js";
export { setSeed, nextSeed, currentStream, withRandomStream, RandomStream } from "./random.js";
export {
  toTensor,
  broadcastShapes,
  broadcastTo,
  shapesEqual,
  formatShape,
  stopGradient,
  sumRightmost,
  sizeOf,
  firstFalse,
  type TensorInput,
} from "./tensor.js";
export { gather } from "./gather.js";
export { tidyScope } from "./scope.js";
