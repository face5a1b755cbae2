/**
 * Node module hooks that resolve the package's own name to its TypeScript sources:
 * `scvi-ts` → `src/index.ts`, `scvi-ts/<layer>` → `src/<layer>/index.ts`. Installed with
 * tests/backend/child/ts-hooks.mjs (which transpiles `.ts`) by register.mjs, so the examples
 * and doc snippets run as a user writes them, without a build.
 */
const SRC = new URL("../../src/", import.meta.url);
const LAYERS = new Set(["ppl", "distributions", "infer", "scvi", "testing"]);

export async function resolve(specifier, context, nextResolve) {
  if (specifier === "scvi-ts") return { url: new URL("index.ts", SRC).href, format: "module", shortCircuit: true };
  const m = /^scvi-ts\/([a-z]+)$/.exec(specifier);
  if (m && LAYERS.has(m[1])) return { url: new URL(`${m[1]}/index.ts`, SRC).href, format: "module", shortCircuit: true };
  return nextResolve(specifier, context);
}
