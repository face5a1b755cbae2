/**
 * Every ```ts block of every page in docs/ runs: a page's blocks are concatenated in order
 * and executed as one module (see runner/), and its ```text output blocks must match what
 * the page printed. Pages are written small, so the whole set runs in seconds.
 * `SCVI_TS_DOCS_PRINT=1` prints each page's output (handy when writing a page).
 */
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { clearParamStore } from "../../src/ppl/index.js";
import { setValidateArgs } from "../../src/distributions/index.js";
import { ROOT, runPage } from "./runner/run.js";

const pages = readdirSync(path.join(ROOT, "docs"))
  .filter((f) => f.endsWith(".md"))
  .sort();

describe("docs pages", () => {
  it("include the guide's pages", () => {
    expect(pages).toEqual(expect.arrayContaining(["index.md", "data.md", "module.md", "model.md", "ppl.md", "testing.md"]));
  });

  it.each(pages)("docs/%s runs and prints what it says", async (page) => {
    // Each page starts as a fresh process would: empty default param store, validation on.
    clearParamStore();
    setValidateArgs(true);
    const before = tf.memory().numTensors;
    const run = await runPage(`docs/${page}`);
    clearParamStore();
    if (process.env.SCVI_TS_DOCS_PRINT) console.info(run.output);
    console.info(`docs/${page}: ${run.page.blockCount} blocks in ${run.seconds.toFixed(1)} s, ${tf.memory().numTensors - before} tensors left`);
  });
});
