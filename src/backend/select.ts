/**
 * Backend selection: which TensorFlow.js backend scvi-ts computes on.
 *
 * In Node the order is `@tensorflow/tfjs-node-gpu` (if the user installed it), then
 * `@tensorflow/tfjs-node`, then the WebAssembly backend, then the pure-JS `cpu` backend.
 * `SCVI_TS_BACKEND=tensorflow|wasm|cpu` overrides the order. A backend that fails to load
 * falls through to the next one with a single warning line on stderr.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { shareIdentityOnWasm } from "./wasm-identity.js";
import "./comparison-gradients.js";
import "./sum-gradient.js";

/** The backends scvi-ts knows how to start. `tensorflow` is tfjs-node(-gpu). */
export type BackendName = "tensorflow" | "wasm" | "cpu";

const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

let pending: Promise<BackendName> | undefined;
let chosen: BackendName | undefined;

/** Imports an optional package by name (a variable specifier: TypeScript and bundlers leave it alone). */
function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}

async function tryTensorflow(): Promise<boolean> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await importOptional(pkg);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") continue;
      throw err;
    }
    if (await tf.setBackend("tensorflow")) return true;
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend("wasm"))) return false;
  shareIdentityOnWasm();
  return true;
}

async function start(name: BackendName): Promise<boolean> {
  switch (name) {
    case "tensorflow":
      return tryTensorflow();
    case "wasm":
      return tryWasm();
    case "cpu":
      return tf.setBackend("cpu");
  }
}

function parseOverride(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === "") return undefined;
  const name = value.toLowerCase();
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new Error(
      `SCVI_TS_BACKEND="${value}" is not a backend scvi-ts knows; use one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  return name as BackendName;
}

async function choose(): Promise<BackendName> {
  const override = parseOverride(globalThis.process?.env?.SCVI_TS_BACKEND);
  const order: BackendName[] = override
    ? [override, ...BACKEND_NAMES.filter((b) => b !== override && b !== "tensorflow")]
    : [...BACKEND_NAMES];
  for (const name of order) {
    try {
      if (await start(name)) {
        await tf.ready();
        chosen = name;
        return name;
      }
      if (name !== "tensorflow" || override === "tensorflow") {
        process.stderr.write(`scvi-ts: backend "${name}" did not start; trying the next one\n`);
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
      process.stderr.write(`scvi-ts: backend "${name}" failed to load (${reason}); trying the next one\n`);
    }
  }
  throw new Error("scvi-ts: no TensorFlow.js backend could be started (tried tensorflow, wasm, cpu)");
}

/**
 * Resolves once the TensorFlow.js backend is chosen and initialised. Safe to call many times;
 * the choice is made once per process. The library's own async entry points await it.
 *
 * @example
 * ```ts
 * import { ready, getBackend } from "scvi-ts";
 * await ready();
 * console.log(getBackend()); // "wasm" unless tfjs-node is installed
 * ```
 */
export function ready(): Promise<BackendName> {
  pending ??= choose();
  return pending;
}

/**
 * The backend in use, or `undefined` before {@link ready} has resolved.
 * Reports `tensorflow` for tfjs-node and tfjs-node-gpu.
 */
export function getBackend(): BackendName | undefined {
  return chosen;
}
