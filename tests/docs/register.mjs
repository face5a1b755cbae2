/**
 * `node --import ./tests/docs/register.mjs examples/custom-model.ts`: runs a TypeScript file
 * that imports `scvi-ts/*`, from the sources, without a build (the TypeScript loader of the
 * backend tests plus the package-name aliases of alias-hooks.mjs).
 */
import { register } from "node:module";

register("../backend/child/ts-hooks.mjs", import.meta.url);
register("./alias-hooks.mjs", import.meta.url);
