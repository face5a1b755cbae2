/**
 * Runs tests/backend/child/draw.mjs in a fresh `node` process (TypeScript sources loaded
 * through register-ts.mjs, so no build is needed) and returns its exit code and output.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** The JSON line draw.mjs prints. */
export interface DrawOutput {
  before: string | null;
  backend: string;
  getBackend: string;
  tfBackend: string;
  normal: number[];
  uniform: number[];
  normal2: number[];
  seedAfter: number;
}

/** Result of one child run. */
export interface ChildResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns `node --import register-ts.mjs draw.mjs <seed>` with extra environment variables. */
export function runDrawChild(seed: number, env: Record<string, string | undefined> = {}): Promise<ChildResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete childEnv[k];
    else childEnv[k] = v;
  }
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", here("./register-ts.mjs"), here("./draw.mjs"), String(seed)],
      { env: childEnv, timeout: 60_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Parses the child's JSON line, failing with its stderr when it did not succeed. */
export function parseDraw(result: ChildResult): DrawOutput {
  if (result.code !== 0) throw new Error(`child exited with ${result.code}:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as DrawOutput;
}
