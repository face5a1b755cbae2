/**
 * scvi-ts/scvi (filled in by its issue).
 * @module
 */
export {};
