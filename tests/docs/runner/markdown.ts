/**
 * Fenced code blocks of a Markdown page: the language, the words after it (`ts no-run`,
 * `text output`), the code, and the line the code starts on (1-based), for error messages.
 */

/** One fenced block. */
export interface CodeBlock {
  /** The language word after the fence (`ts`, `text`, `sh`, ...; empty when none). */
  readonly lang: string;
  /** The other words of the info string (`no-run`, `output`). */
  readonly flags: readonly string[];
  /** The block's text, without the fences. */
  readonly code: string;
  /** The page line of the block's first code line (1-based). */
  readonly line: number;
}

const OPEN = /^(`{3,}|~{3,})\s*([^\s`]*)(.*)$/;

/** Whether `line` closes a block opened with `fence` (same character, at least as long). */
function closes(line: string, fence: string): boolean {
  const m = /^(`{3,}|~{3,})\s*$/.exec(line);
  return m !== null && m[1]![0] === fence[0] && m[1]!.length >= fence.length;
}

/** Every fenced block of `markdown`, in order. An unclosed fence throws naming its line. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !closes(lines[end]!, fence)) end++;
    if (end >= lines.length) throw new Error(`unclosed code fence opened at line ${i + 1}`);
    blocks.push({
      lang: open[2]!.toLowerCase(),
      flags: open[3]!.trim().split(/\s+/).filter(Boolean),
      code: lines.slice(start, end).join("\n"),
      line: start + 1,
    });
    i = end;
  }
  return blocks;
}

/** Whether a block is TypeScript that the docs tests run. */
export function isRunnable(block: CodeBlock): boolean {
  return (block.lang === "ts" || block.lang === "typescript") && !block.flags.includes("no-run");
}

/** Whether a block is expected output (` ```text output `), checked against what the page printed. */
export function isExpectedOutput(block: CodeBlock): boolean {
  return block.flags.includes("output");
}
