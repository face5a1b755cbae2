/**
 * One backend per process: `SCVI_TS_BACKEND=<backend> node bench/child.mjs <case files...>`.
 * Starts the backend through the built library (dist/), checks it is the one asked for,
 * runs each case and prints one JSON line per case on stdout. Spawned by bench/run.mjs.
 */
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs";
import { measure } from "./measure.mjs";

const requested = process.env.SCVI_TS_BACKEND;
const options = JSON.parse(process.env.SCVI_TS_BENCH_OPTIONS ?? "{}");
const files = process.argv.slice(2);

const emit = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** A case file's default export: one case or an array of cases. */
async function loadCases(file) {
  const mod = await import(pathToFileURL(file).href);
  const exported = mod.default ?? mod;
  return Array.isArray(exported) ? exported : [exported];
}

let lib;
try {
  lib = await import(new URL("../dist/index.js", import.meta.url).href);
} catch (err) {
  process.stderr.write(`bench: cannot import dist/index.js (run \`npm run build\` first): ${err.message}\n`);
  process.exit(2);
}
const backend = await lib.ready();
if (requested && backend !== requested) {
  process.stderr.write(`bench: asked for backend "${requested}" but "${backend}" started; skipping\n`);
  process.exit(4);
}

for (const file of files) {
  let cases;
  try {
    cases = await loadCases(file);
  } catch (err) {
    emit({ case: file, backend, error: `cannot load: ${err.message}` });
    continue;
  }
  for (const c of cases) {
    if (c.backends && !c.backends.includes(backend)) continue;
    if (options.filter && !c.name.includes(options.filter)) continue;
    let instance;
    try {
      lib.setSeed(0);
      instance = await c.setup({ tf, backend, lib });
      const settings = {
        minTimeMs: options.minTimeMs ?? c.minTimeMs ?? 1000,
        minIters: c.minIters ?? 3,
        maxIters: options.maxIters ?? c.maxIters ?? 1000,
        warmupIters: c.warmupIters ?? 2,
      };
      // A case that times work outside this process (e.g. the PyTorch reference) gives its own timing.
      const timing = instance.timing ?? (await measure(instance, settings));
      emit({ case: c.name, backend, n: instance.n ?? null, ...timing, ...(instance.meta ?? {}) });
    } catch (err) {
      emit({ case: c.name, backend, error: err instanceof Error ? err.message : String(err) });
    } finally {
      try {
        instance?.dispose?.();
      } catch {
        // a failing dispose must not stop the other cases
      }
    }
  }
}
