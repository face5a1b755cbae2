/** The docs runner itself: block extraction, import merging, line mapping, output checks. */
import { describe, expect, it } from "vitest";
import { codeBlocks, isRunnable } from "./runner/markdown.js";
import { pageLine, pageModule } from "./runner/page.js";
import { checkOutputs } from "./runner/run.js";

const page = [
  "# Title", // 1
  "", // 2
  "```ts", // 3
  'import { sample, plate } from "scvi-ts/ppl";', // 4
  "const a = 1;", // 5
  "```", // 6
  "", // 7
  "```sh", // 8
  "npm test", // 9
  "```", // 10
  "", // 11
  "````ts", // 12
  'import { sample, trace } from "scvi-ts/ppl";', // 13
  "const b = '```';", // 14
  "````", // 15
  "```ts no-run", // 16
  "never();", // 17
  "```", // 18
  "```text output", // 19
  "x = 1", // 20
  "```", // 21
].join("\n");

describe("docs runner", () => {
  it("extracts fenced blocks with their language, flags and first code line", () => {
    const blocks = codeBlocks(page);
    expect(blocks.map((b) => [b.lang, b.flags.join(" "), b.line])).toEqual([
      ["ts", "", 4],
      ["sh", "", 9],
      ["ts", "", 13],
      ["ts", "no-run", 17],
      ["text", "output", 20],
    ]);
    expect(blocks[2]!.code).toContain("'```'");
    expect(blocks.filter(isRunnable)).toHaveLength(2);
  });

  it("throws on an unclosed fence, naming its line", () => {
    expect(() => codeBlocks("a\n```ts\nconst x = 1;\n")).toThrow(/line 2/);
  });

  it("merges repeated imports and maps module lines back to page lines", () => {
    const mod = pageModule(page, "docs/x.md");
    expect(mod.blockCount).toBe(2);
    expect(mod.source.match(/import \{ sample/g)).toHaveLength(1);
    expect(mod.source).toContain('import { trace } from "scvi-ts/ppl";');
    expect(mod.source).not.toContain("never()");
    const lines = mod.source.split("\n");
    const bLine = lines.findIndex((l) => l.startsWith("const b")) + 1;
    expect(pageLine(mod, bLine)).toBe(14);
    expect(mod.expectedOutputs.map((b) => b.code)).toEqual(["x = 1"]);
  });

  it("rejects one name imported from two modules", () => {
    const clash = '```ts\nimport { Normal } from "scvi-ts/distributions";\n```\n```ts\nimport { Normal } from "./elsewhere.js";\n```\n';
    expect(() => pageModule(clash, "docs/y.md")).toThrow(/docs\/y\.md:5: 'Normal'/);
  });

  it("checks expected output in order, with ... and … wildcards", () => {
    const block = (code: string) => ({ lang: "text", flags: ["output"], code, line: 1 });
    const printed = "loss 3.2\nstep 1\nstep 2\nparams: a, b";
    expect(() => checkOutputs("p.md", [block("loss …"), block("step 1\n...\nparams: a, b")], printed)).not.toThrow();
    expect(() => checkOutputs("p.md", [block("params: a, b"), block("loss …")], printed)).toThrow(/p\.md:1/);
    expect(() => checkOutputs("p.md", [block("loss 3.3")], printed)).toThrow(/prints/);
  });
});
