/**
 * Node module hooks that let a child process import the TypeScript sources directly:
 * a relative `./x.js` import that does not exist resolves to `./x.ts`, and `.ts` files are
 * transpiled (types stripped) with the TypeScript compiler. Used by the tests that spawn
 * `node` to check behaviour across processes, so they need neither `dist/` nor a build.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export async function resolve(specifier, context, nextResolve) {
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  if (relative && context.parentURL?.startsWith("file:")) {
    const url = new URL(specifier, context.parentURL);
    const path = fileURLToPath(url);
    if (path.endsWith(".ts") && existsSync(path)) return { url: url.href, format: "module", shortCircuit: true };
    if (path.endsWith(".js") && !existsSync(path)) {
      const tsPath = `${path.slice(0, -3)}.ts`;
      if (existsSync(tsPath)) return { url: `${url.href.slice(0, -3)}.ts`, format: "module", shortCircuit: true };
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".ts")) return nextLoad(url, context);
  const fileName = fileURLToPath(url);
  const { outputText } = ts.transpileModule(await readFile(fileName, "utf8"), {
    fileName,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      verbatimModuleSyntax: false,
    },
  });
  return { format: "module", source: outputText, shortCircuit: true };
}
