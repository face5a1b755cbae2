/**
 * scvi-ts/infer (filled in by its issue).
 * @module
 */
export {};
