/**
 * The API reference builds: typedoc (with typedoc.json, which treats warnings as errors: every
 * public symbol documented, every link resolved, every referenced type exported) validates the
 * six entry points without writing anything.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./runner/run.js";

describe("API reference", () => {
  it("typedoc validates every entry point with no warning", async () => {
    const bin = path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
    const result = await new Promise<{ code: number; output: string }>((resolve) =>
      execFile(process.execPath, [bin, "--emit", "none", "--logLevel", "Warn"], { cwd: ROOT, timeout: 180_000, maxBuffer: 1 << 22 }, (error, stdout, stderr) =>
        resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      ),
    );
    expect(result.output.trim(), "typedoc output").toBe("");
    expect(result.code).toBe(0);
  });
});
