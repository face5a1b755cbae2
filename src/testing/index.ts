/**
 * scvi-ts/testing (filled in by its issue).
 * @module
 */
export {};
