/**
 * Type-checks the docs' page modules and the examples with the project's compiler options
 * (strict; `scvi-ts/*` resolves to `src/*` through tsconfig's `paths`). Page modules are
 * served from memory, so nothing is written; diagnostics in a page point at the page's line.
 */
import * as path from "node:path";
import ts from "typescript";
import { pageLine, type PageModule } from "./page.js";
import { ROOT } from "./run.js";

/** A page module to check, with where it came from. */
export interface CheckedPage {
  /** The page (e.g. `docs/ppl.md`). */
  readonly relPath: string;
  /** Its module. */
  readonly page: PageModule;
}

/** One diagnostic, located in a page, an example, or a source file. */
export interface DocDiagnostic {
  /** `docs/ppl.md:42`, `examples/custom-model.ts:17`, ... */
  readonly where: string;
  /** The compiler's message. */
  readonly message: string;
}

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  return { ...parsed.options, noEmit: true, incremental: false, composite: false, declaration: false, sourceMap: false };
}

/** The virtual file name of a page's module (next to the page, so relative paths behave). */
function virtualName(relPath: string): string {
  return path.join(ROOT, "tests", "docs", ".virtual", `${relPath.replace(/[\\/:]/g, "__").replace(/\.(md|ts)$/, "")}.ts`);
}

/**
 * Type-checks `pages` (from memory) and `examples` (files, relative to the root). Returns
 * the errors located in those files (errors in the sources they import are the project
 * type-check's business, not the docs').
 */
export function typecheck(pages: readonly CheckedPage[], examples: readonly string[]): DocDiagnostic[] {
  const options = compilerOptions();
  const virtual = new Map(pages.map((p) => [path.normalize(virtualName(p.relPath)), p]));
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const page = virtual.get(path.normalize(fileName));
    if (page) return ts.createSourceFile(fileName, page.page.source, languageVersion, true, ts.ScriptKind.TS);
    return getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => virtual.has(path.normalize(fileName)) || fileExists(fileName);
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => virtual.get(path.normalize(fileName))?.page.source ?? readFile(fileName);
  const roots = [...virtual.keys(), ...examples.map((e) => path.join(ROOT, e))];
  const program = ts.createProgram({ rootNames: roots, options, host });
  const ours = new Set(roots.map((r) => path.normalize(r)));
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...program.getSourceFiles().filter((f) => ours.has(path.normalize(f.fileName))).flatMap((f) => [
      ...program.getSyntacticDiagnostics(f),
      ...program.getSemanticDiagnostics(f),
    ]),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (!d.file || d.start === undefined) return { where: "(project)", message };
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    const page = virtual.get(path.normalize(d.file.fileName));
    if (page) {
      const at = pageLine(page.page, line + 1);
      return { where: `${page.relPath}:${at ?? `(runner line ${line + 1})`}`, message };
    }
    return { where: `${path.relative(ROOT, d.file.fileName)}:${line + 1}`, message };
  });
}
