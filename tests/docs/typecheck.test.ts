/**
 * The docs' code and the examples type-check against the real API (strict, as the project):
 * a renamed option or method fails here even where it would run silently.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { pageModule } from "./runner/page.js";
import { ROOT } from "./runner/run.js";
import { typecheck } from "./runner/typecheck.js";

describe("docs type-check", () => {
  it("every page's blocks and every example compile without errors", () => {
    const pages = readdirSync(path.join(ROOT, "docs"))
      .filter((f) => f.endsWith(".md"))
      .map((f) => {
        const relPath = `docs/${f}`;
        return { relPath, page: pageModule(readFileSync(path.join(ROOT, relPath), "utf8"), relPath) };
      });
    const examples = readdirSync(path.join(ROOT, "examples"))
      .filter((f) => f.endsWith(".ts"))
      .map((f) => `examples/${f}`);
    const diagnostics = typecheck(pages, examples);
    expect(diagnostics.map((d) => `${d.where}: ${d.message}`)).toEqual([]);
  });
});
