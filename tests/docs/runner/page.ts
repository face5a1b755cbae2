/**
 * Turns a Markdown page's runnable ```ts blocks into one TypeScript module: the blocks in
 * order (a page's blocks build on each other, as a reader runs them), each preceded by a
 * comment naming its page line, with import declarations merged so that a block may repeat an
 * earlier block's imports (as a reader copying one block needs them). A line map takes module
 * lines back to page lines.
 */
import ts from "typescript";
import { codeBlocks, isExpectedOutput, isRunnable, type CodeBlock } from "./markdown.js";

/** A page turned into a module. */
export interface PageModule {
  /** The module's source text. */
  readonly source: string;
  /** `lineMap[i]` is the page line of module line `i + 1` (0 for the runner's own lines). */
  readonly lineMap: readonly number[];
  /** The page's ```text output blocks, in order. */
  readonly expectedOutputs: readonly CodeBlock[];
  /** How many blocks the module runs. */
  readonly blockCount: number;
}

/** One local binding of an import: `local` names `imported` (or `*` / `default`) of `from`. */
interface Binding {
  readonly local: string;
  readonly imported: string;
  readonly from: string;
  readonly typeOnly: boolean;
}

function bindingsOf(decl: ts.ImportDeclaration): Binding[] {
  const from = (decl.moduleSpecifier as ts.StringLiteral).text;
  const clause = decl.importClause;
  if (!clause) return [];
  const typeOnlyClause = clause.isTypeOnly;
  const out: Binding[] = [];
  if (clause.name) out.push({ local: clause.name.text, imported: "default", from, typeOnly: typeOnlyClause });
  const named = clause.namedBindings;
  if (named && ts.isNamespaceImport(named)) out.push({ local: named.name.text, imported: "*", from, typeOnly: typeOnlyClause });
  if (named && ts.isNamedImports(named)) {
    for (const el of named.elements) {
      out.push({
        local: el.name.text,
        imported: (el.propertyName ?? el.name).getText(decl.getSourceFile()),
        from,
        typeOnly: typeOnlyClause || el.isTypeOnly,
      });
    }
  }
  return out;
}

/** Writes the import declaration(s) for the bindings a block still needs. */
function importText(from: string, bindings: readonly Binding[]): string {
  const spec = JSON.stringify(from);
  const def = bindings.find((b) => b.imported === "default");
  const ns = bindings.find((b) => b.imported === "*");
  const named = bindings.filter((b) => b.imported !== "default" && b.imported !== "*");
  const statements: string[] = [];
  const head = def ? [def.local] : [];
  if (named.length) {
    const list = named.map((b) => `${b.typeOnly ? "type " : ""}${b.imported === b.local ? b.local : `${b.imported} as ${b.local}`}`);
    statements.push(`import ${[...head, `{ ${list.join(", ")} }`].join(", ")} from ${spec};`);
  } else if (def) {
    statements.push(`import ${def.local} from ${spec};`);
  }
  // `* as x` cannot share a declaration with named imports: it gets its own.
  if (ns) statements.push(`import * as ${ns.local} from ${spec};`);
  return statements.join(" ");
}

/**
 * Rewrites a block's imports, dropping bindings an earlier block already made (same name,
 * same module, same export). A name imported from two different places throws, naming both.
 * The block keeps its line count.
 */
function mergeImports(block: CodeBlock, seen: Map<string, Binding>, seenSideEffects: Set<string>, where: string): string {
  const file = ts.createSourceFile("block.ts", block.code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  let out = "";
  let cursor = 0;
  for (const stmt of file.statements) {
    if (!ts.isImportDeclaration(stmt)) continue;
    const start = stmt.getStart(file);
    const end = stmt.getEnd();
    const original = block.code.slice(start, end);
    const from = (stmt.moduleSpecifier as ts.StringLiteral).text;
    let replacement: string;
    if (!stmt.importClause) {
      replacement = seenSideEffects.has(from) ? "" : original;
      seenSideEffects.add(from);
    } else {
      const fresh: Binding[] = [];
      for (const b of bindingsOf(stmt)) {
        const earlier = seen.get(b.local);
        if (earlier === undefined) {
          seen.set(b.local, b);
          fresh.push(b);
        } else if (earlier.from !== b.from || earlier.imported !== b.imported) {
          throw new Error(
            `${where}: '${b.local}' is imported as ${b.imported} from "${b.from}", but an earlier block imported it as ${earlier.imported} from "${earlier.from}"`,
          );
        } else if (earlier.typeOnly && !b.typeOnly) {
          throw new Error(`${where}: '${b.local}' is imported as a value, but an earlier block imported only its type`);
        }
      }
      replacement = fresh.length ? importText(from, fresh) : "";
    }
    const newlines = original.split("\n").length - 1;
    out += block.code.slice(cursor, start) + replacement + "\n".repeat(newlines);
    cursor = end;
  }
  return out + block.code.slice(cursor);
}

/**
 * The module of a page's runnable blocks. `pagePath` names the page in messages (e.g.
 * `docs/ppl.md`).
 */
export function pageModule(markdown: string, pagePath: string): PageModule {
  const blocks = codeBlocks(markdown);
  const runnable = blocks.filter(isRunnable);
  const seen = new Map<string, Binding>();
  const sideEffects = new Set<string>();
  const lines: string[] = [];
  const lineMap: number[] = [];
  for (const block of runnable) {
    lines.push(`// ---- ${pagePath}:${block.line}`);
    lineMap.push(0);
    const code = mergeImports(block, seen, sideEffects, `${pagePath}:${block.line}`);
    code.split("\n").forEach((line, i) => {
      lines.push(line);
      lineMap.push(block.line + i);
    });
  }
  lines.push("export {};");
  lineMap.push(0);
  return { source: lines.join("\n") + "\n", lineMap, expectedOutputs: blocks.filter(isExpectedOutput), blockCount: runnable.length };
}

/** The page line of a module line (1-based), or undefined for the runner's own lines. */
export function pageLine(page: PageModule, moduleLine: number): number | undefined {
  const line = page.lineMap[moduleLine - 1];
  return line ? line : undefined;
}
