/**
 * scvi-ts/ppl (filled in by its issue).
 * @module
 */
export {};
