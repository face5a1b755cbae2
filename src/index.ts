/**
 * scvi-ts: a Pyro-style probabilistic programming language and the scvi-tools architecture
 * (scVI) in TypeScript on TensorFlow.js.
 *
 * The root exports the backend controls, the distributions, and each layer as a namespace;
 * the subpaths (`scvi-ts/ppl`, `scvi-ts/distributions`, `scvi-ts/infer`, `scvi-ts/scvi`,
 * `scvi-ts/testing`) export the same symbols flat.
 *
 * @example
 * ```ts
 * import { ready, scvi } from "scvi-ts";
 * await ready();
 * const adata = await scvi.readH5ad("data/pbmc68k_counts.h5ad");
 * scvi.SCVI.setupAnndata(adata, { labelsKey: "bulk_labels" });
 * ```
 * @module
 */
export { ready, getBackend, type BackendName } from "./backend/select.js";
export { setSeed, nextSeed } from "./backend/random.js";
export { setKernelPool } from "./backend/kernel-pool.js";
export * from "./distributions/index.js";
export * as ppl from "./ppl/index.js";
export * as infer from "./infer/index.js";
export * as scvi from "./scvi/index.js";
export * as testing from "./testing/index.js";
