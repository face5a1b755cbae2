/**
 * scvi-ts: a Pyro-style probabilistic programming language and the scvi-tools architecture
 * (scVI) in TypeScript on TensorFlow.js.
 * @module
 */
export { ready, getBackend, type BackendName } from "./backend/select.js";
export { setSeed } from "./backend/random.js";
export * from "./distributions/index.js";
