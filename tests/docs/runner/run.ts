/**
 * Runs a page's module inside the test process: writes it under `tests/docs/.generated/`
 * (ignored by git and by the project's tsconfig), imports it through vitest's TypeScript
 * transform (`scvi-ts/*` maps to `src/*` by the alias in vitest.config.ts), captures what it
 * prints with `console.log`, and checks every ```text output block against that output.
 * A failure names the page line it happened on.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { pageLine, pageModule, type PageModule } from "./page.js";
import type { CodeBlock } from "./markdown.js";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Where page modules are written (a `.gitignore` of `*` keeps git out). */
export const GENERATED = path.join(ROOT, "tests", "docs", ".generated");

/** What a run printed and how long it took. */
export interface PageRun {
  /** Lines printed with `console.log`, joined. */
  readonly output: string;
  /** Wall time of the run, in seconds. */
  readonly seconds: number;
  /** The module that ran. */
  readonly page: PageModule;
}

function ensureGenerated(): void {
  mkdirSync(GENERATED, { recursive: true });
  writeFileSync(path.join(GENERATED, ".gitignore"), "*\n");
}

/** The page line a stack trace's first frame in `file` points to, if any. */
function failingPageLine(err: unknown, file: string, page: PageModule): number | undefined {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const name = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const m = new RegExp(`${name}(?:\\?[^:\\s]*)?:(\\d+):\\d+`).exec(stack);
  return m ? pageLine(page, Number(m[1])) : undefined;
}

/** Runs the page at `relPath` (relative to the root, e.g. `docs/ppl.md`). */
export async function runPage(relPath: string): Promise<PageRun> {
  const markdown = await readFile(path.join(ROOT, relPath), "utf8");
  return runModule(relPath, pageModule(markdown, relPath));
}

/**
 * Runs an assembled module, naming it `relPath` in errors (a failure points at the page line
 * through the module's line map), and checks its expected outputs.
 */
export async function runModule(relPath: string, page: PageModule): Promise<PageRun> {
  ensureGenerated();
  const file = path.join(GENERATED, `${relPath.replace(/[\\/:]/g, "__").replace(/\.(md|ts)$/, "")}.ts`);
  writeFileSync(file, page.source);
  const printed: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(format(...args));
  const start = performance.now();
  try {
    await import(/* @vite-ignore */ `${pathToFileURL(file).href}?run=${Date.now()}`);
  } catch (err) {
    const line = failingPageLine(err, file, page);
    const where = line ? `${relPath}:${line}` : `${relPath} (module ${path.relative(ROOT, file)})`;
    const message = err instanceof Error ? err.message : String(err);
    const wrapped = new Error(`${where}: ${message}`);
    wrapped.stack = `${wrapped.message}\n${err instanceof Error ? err.stack : ""}`;
    throw wrapped;
  } finally {
    console.log = log;
  }
  const seconds = (performance.now() - start) / 1000;
  const output = printed.join("\n");
  checkOutputs(relPath, page.expectedOutputs, output);
  return { output, seconds, page };
}

/** Normalises text for comparison: no trailing spaces, no trailing blank lines. */
function normalise(text: string): string {
  return text
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .replace(/\n+$/, "");
}

/**
 * A matcher for an expected block: its lines literally, where a line `...` stands for any
 * number of lines and `…` inside a line for any text on that line.
 */
function expectedPattern(expected: string): RegExp {
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const parts = normalise(expected)
    .split("\n")
    .map((line) => (line.trim() === "..." ? "(?:[^\\n]*\\n)*?" : `${line.split("…").map(escape).join("[^\\n]*")}\\n`));
  return new RegExp(parts.join(""));
}

/**
 * Checks that each expected block occurs in `output`, in order (a later block must start
 * after the earlier one's match).
 */
export function checkOutputs(relPath: string, expected: readonly CodeBlock[], output: string): void {
  let rest = `${normalise(output)}\n`;
  for (const block of expected) {
    const m = expectedPattern(block.code).exec(rest);
    if (!m) {
      throw new Error(
        `${relPath}:${block.line}: the page says the code prints\n${block.code}\n\nbut (after the earlier expected blocks) it printed\n${rest}`,
      );
    }
    rest = rest.slice(m.index + m[0].length);
  }
}
