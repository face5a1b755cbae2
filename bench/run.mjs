#!/usr/bin/env node
/**
 * `npm run bench` (which builds first): runs every case in bench/cases/ on each backend —
 * wasm, cpu, and tensorflow when @tensorflow/tfjs-node is installed — one child process per
 * backend, and prints one JSON line per case and backend on stdout.
 *
 *   node bench/run.mjs [--backend=wasm,cpu] [--case=<substring>] [--min-time=<ms>] [--max-iters=<n>]
 *
 * See bench/README.md for the case contract and the output fields.
 */
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

function parseArgs(argv) {
  const args = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bench: unknown argument ${a}`);
    args[m[1]] = m[2] ?? "true";
  }
  return args;
}

function installed(pkg) {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const args = parseArgs(process.argv.slice(2));
const backends = args.backend
  ? args.backend.split(",")
  : ["wasm", "cpu", ...(installed("@tensorflow/tfjs-node") || installed("@tensorflow/tfjs-node-gpu") ? ["tensorflow"] : [])];
const caseFiles = readdirSync(here("./cases"))
  .filter((f) => f.endsWith(".mjs") || f.endsWith(".js"))
  .sort()
  .map((f) => here(`./cases/${f}`));
const options = {
  filter: args.case,
  minTimeMs: args["min-time"] ? Number(args["min-time"]) : undefined,
  maxIters: args["max-iters"] ? Number(args["max-iters"]) : undefined,
};

function runBackend(backend) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [here("./child.mjs"), ...caseFiles], {
      env: { ...process.env, SCVI_TS_BACKEND: backend, SCVI_TS_BENCH_OPTIONS: JSON.stringify(options) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let buffered = "";
    child.stdout.on("data", (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("{")) process.stdout.write(`${line}\n`);
        else if (line.trim()) process.stderr.write(`${line}\n`);
      }
    });
    child.on("close", (code) => {
      if (code !== 0) process.stderr.write(`bench: the ${backend} run exited with code ${code}\n`);
      resolve(code);
    });
  });
}

let failed = false;
// Backends run one after another: the timings of one must not compete with another's.
for (const backend of backends) if ((await runBackend(backend)) !== 0) failed = true;
process.exitCode = failed ? 1 : 0;
