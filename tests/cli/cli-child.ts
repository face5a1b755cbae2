/**
 * Runs the `scvi-ts` command from its TypeScript entry (src/cli/main.ts) in a child `node`
 * process, through the transpiling loader of tests/backend/child, so no build is needed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../../src/cli/run.js";

const register = fileURLToPath(new URL("../backend/child/register-ts.mjs", import.meta.url));
const entry = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Exit code and output of one run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `scvi-ts <args>` in `cwd`. */
export function runCliChild(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", register, entry, ...args],
      { cwd, timeout: 240_000, maxBuffer: 16 << 20, env: { ...process.env, NODE_NO_WARNINGS: "1" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `scvi-ts-${prefix}-`));
}

/** The non-empty lines of stderr. */
export function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.trim() !== "");
}

/** Runs `runCli` in this process with captured output. */
export async function runInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
