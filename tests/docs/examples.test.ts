/**
 * Every file in examples/ runs: each exports `main(options)`, which the test calls with
 * `{ small: true }` (fewer steps and epochs; the same code path a user runs).
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { clearParamStore } from "../../src/ppl/index.js";
import { ROOT } from "./runner/run.js";

const examples = readdirSync(path.join(ROOT, "examples"))
  .filter((f) => f.endsWith(".ts"))
  .sort();

interface ExampleModule {
  main(options: { small?: boolean; quiet?: boolean }): Promise<unknown>;
}

describe("examples", () => {
  it("include the custom model and the scVI workflow", () => {
    expect(examples).toEqual(expect.arrayContaining(["custom-model.ts", "scvi-pbmc.ts"]));
  });

  it.each(examples)("examples/%s runs (small)", async (file) => {
    clearParamStore();
    const mod = (await import(/* @vite-ignore */ pathToFileURL(path.join(ROOT, "examples", file)).href)) as Partial<ExampleModule>;
    expect(typeof mod.main, `examples/${file} must export main(options)`).toBe("function");
    const start = performance.now();
    await mod.main!({ small: true, quiet: true });
    console.info(`examples/${file}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
    clearParamStore();
  });
});
