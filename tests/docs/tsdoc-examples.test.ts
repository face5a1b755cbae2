/**
 * The TSDoc examples of the PPL run (STYLE.md: "a TSDoc example on every handler, executed by
 * the docs tests"): each ```ts block of an `@example` in src/ppl runs on its own after the
 * prelude below, which defines what the examples take for granted. Every handler has one.
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { clearParamStore } from "../../src/ppl/index.js";
import { ROOT, runModule } from "./runner/run.js";
import { exampleModule, tsdocExamples } from "./runner/tsdoc.js";
import { PPL_PRELUDE } from "./runner/preludes.js";

function tsFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith(".ts") ? [`${dir}/${e.name}`] : [],
  );
}

const examples = tsFiles("src/ppl").flatMap(tsdocExamples);

describe("TSDoc examples of scvi-ts/ppl", () => {
  it("cover every handler", () => {
    const handlers = ["trace", "replay", "block", "condition", "substitute", "seed", "scale", "mask"];
    const documented = new Set(examples.map((e) => e.symbol));
    expect(handlers.filter((h) => !documented.has(h))).toEqual([]);
    for (const primitive of ["sample", "param", "plate"]) expect(documented.has(primitive), primitive).toBe(true);
  });

  it.each(examples.map((e) => [`${e.file}:${e.line} (${e.symbol})`, e] as const))("%s runs", async (_name, example) => {
    clearParamStore();
    await runModule(`${example.file}:${example.line}`, exampleModule(example, PPL_PRELUDE));
    clearParamStore();
  });
});
