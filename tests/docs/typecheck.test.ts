/**
 * The docs' code, the examples, and the PPL's TSDoc examples type-check against the real API
 * (strict, as the project): a renamed option or method fails here even where it would run
 * silently.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pageModule } from "./runner/page.js";
import { PPL_PRELUDE } from "./runner/preludes.js";
import { ROOT } from "./runner/run.js";
import { exampleModule, tsdocExamples } from "./runner/tsdoc.js";
import { typecheck } from "./runner/typecheck.js";

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
  );
}

describe("docs type-check", () => {
  it("every page's blocks, every example and the PPL's TSDoc examples compile without errors", () => {
    const pages = readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => {
        const relPath = `docs/${f}`;
        return { relPath, page: pageModule(readFileSync(path.join(ROOT, relPath), "utf8"), relPath) };
      });
    const snippets = tsFiles("src/ppl")
      .flatMap(tsdocExamples)
      .map((e) => ({ relPath: `${e.file}:${e.line}`, page: exampleModule(e, PPL_PRELUDE) }));
    const examples = readdirSync(path.join(ROOT, "examples"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `examples/${f}`);
    const diagnostics = typecheck([...pages, ...snippets], examples);
    expect(diagnostics.map((d) => `${d.where}: ${d.message}`)).toEqual([]);
  });
});
