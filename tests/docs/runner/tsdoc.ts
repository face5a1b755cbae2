/**
 * The ```ts blocks of TSDoc `@example`s in source files, turned into runnable modules: each
 * example runs on its own, inside a block scope after a prelude that defines what the examples
 * of that part of the library take for granted (a `model`, a `guide`, `data`, ...). A module's
 * line map points back at the source file's lines.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { PageModule } from "./page.js";
import { ROOT } from "./run.js";

/** One `@example` code block of a source file. */
export interface TsdocExample {
  /** The source file, relative to the root. */
  readonly file: string;
  /** The name of the symbol the comment documents (the declaration after it). */
  readonly symbol: string;
  /** The code, without the comment's leading ` * `. */
  readonly code: string;
  /** The source line of the code's first line (1-based). */
  readonly line: number;
}

const DECLARATION = /^\s*export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type)\s+([A-Za-z_$][\w$]*)/;

/** Every ```ts block inside an `@example` of a `/** ... *\/` comment of `relPath`. */
export function tsdocExamples(relPath: string): TsdocExample[] {
  const lines = readFileSync(path.join(ROOT, relPath), "utf8").split("\n");
  const out: TsdocExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```(ts|typescript)\s*$/.test(lines[j]!) && !/\*\//.test(lines[j]!)) j++;
    if (j >= lines.length || /\*\//.test(lines[j]!)) continue;
    const start = j + 1;
    let end = start;
    while (end < lines.length && !/^\s*\*\s*```\s*$/.test(lines[end]!)) end++;
    const code = lines.slice(start, end).map((l) => l.replace(/^\s*\* ?/, ""));
    let k = end;
    while (k < lines.length && !/\*\//.test(lines[k]!)) k++;
    while (k + 1 < lines.length && lines[k + 1]!.trim() === "") k++;
    const symbol = DECLARATION.exec(lines[k + 1] ?? "")?.[1] ?? "(unknown)";
    out.push({ file: relPath, symbol, code: code.join("\n"), line: start + 1 });
    i = end;
  }
  return out;
}

/**
 * A module running `example` after `prelude`: the example's (single-line) imports go after the
 * prelude's, its statements run in a block, so they may shadow prelude names.
 */
export function exampleModule(example: TsdocExample, prelude: string): PageModule {
  const preludeLines = prelude.split("\n");
  const code = example.code.split("\n").map((text, i) => ({ text, line: example.line + i }));
  const isImport = (text: string) => /^import\s/.test(text);
  const lines: string[] = [...preludeLines];
  const lineMap: number[] = preludeLines.map(() => 0);
  for (const { text, line } of code.filter((c) => isImport(c.text))) {
    lines.push(text);
    lineMap.push(line);
  }
  lines.push(`{ // ---- ${example.file}:${example.line} (${example.symbol})`);
  lineMap.push(0);
  for (const { text, line } of code.filter((c) => !isImport(c.text))) {
    lines.push(text);
    lineMap.push(line);
  }
  lines.push("}", "export {};");
  lineMap.push(0, 0);
  return { source: `${lines.join("\n")}\n`, lineMap, expectedOutputs: [], blockCount: 1 };
}
