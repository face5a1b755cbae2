/**
 * The on-disk form of a saved model: `model.json` (class, init parameters, registry, gene
 * names, version, weight index) and `weights.bin` (float32 values, little-endian), written
 * atomically: a temporary directory is filled and then renamed into place, so a failed save
 * leaves an existing model intact.
 *
 * @module
 */
import { existsSync, promises as fs } from "node:fs";
import * as path from "node:path";
import type { JsonObject, Registry } from "../../data/manager/registry.js";
import type { History } from "../../train/history.js";

/** One tensor in `weights.bin`. */
export interface WeightEntry {
  /** The name (a module state-dict key, or `param:<name>` for a param-store entry). */
  name: string;
  /** Its shape. */
  shape: number[];
  /** Offset in float32 elements. */
  offset: number;
  /** For param-store entries: the constraint name. */
  constraint?: string;
}

/** The contents of `model.json`. */
export interface ModelFile {
  /** Always `scvi-ts-model`, to recognise the file. */
  format: "scvi-ts-model";
  /** The model class name (checked on load). */
  className: string;
  /** The library version that wrote it. */
  version: string;
  /** Constructor options of the model. */
  initParams: JsonObject;
  /** The data registry (setup arguments, field states, summary stats). */
  registry: Registry;
  /** Gene names, checked against the data on load. */
  varNames: string[];
  /** Training history. */
  history: History;
  /** Whether the model was trained. */
  isTrained: boolean;
  /** Index of `weights.bin`. */
  weights: WeightEntry[];
  /** Elements in `weights.bin`. */
  totalElements: number;
}

/** The names of the files a model directory holds. */
export const MODEL_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";
export const ADATA_FILE = "adata.h5ad";

/**
 * Writes a model directory atomically. `fill(tmpDir)` writes any extra files (e.g. the
 * AnnData). An existing `dir` is replaced only with `overwrite`; otherwise it is left as it
 * was and the call throws.
 */
export async function writeModelDir(
  dir: string,
  file: ModelFile,
  weights: Float32Array,
  options: { overwrite?: boolean; fill?: (tmpDir: string) => Promise<void> } = {},
): Promise<void> {
  const target = path.resolve(dir);
  if (existsSync(target) && !options.overwrite) {
    throw new Error(`save: '${dir}' already exists; pass { overwrite: true } to replace it`);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${Date.now()}`;
  await fs.mkdir(tmp);
  try {
    await fs.writeFile(path.join(tmp, WEIGHTS_FILE), Buffer.from(weights.buffer, weights.byteOffset, weights.byteLength));
    await fs.writeFile(path.join(tmp, MODEL_FILE), JSON.stringify(file));
    await options.fill?.(tmp);
    if (existsSync(target)) {
      const old = `${target}.old-${process.pid}-${Date.now()}`;
      await fs.rename(target, old);
      await fs.rename(tmp, target);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, target);
    }
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** Reads and checks a model directory; errors name the file and what is wrong. */
export async function readModelDir(dir: string): Promise<{ file: ModelFile; weights: Float32Array }> {
  const modelPath = path.join(dir, MODEL_FILE);
  const weightsPath = path.join(dir, WEIGHTS_FILE);
  let text: string;
  try {
    text = await fs.readFile(modelPath, "utf8");
  } catch {
    throw new Error(`load: no model at '${dir}' (missing ${MODEL_FILE})`);
  }
  let file: ModelFile;
  try {
    file = JSON.parse(text) as ModelFile;
  } catch (err) {
    throw new Error(`load: '${modelPath}' is not valid JSON (truncated or foreign file): ${(err as Error).message}`);
  }
  if (file?.format !== "scvi-ts-model" || !Array.isArray(file.weights) || !Array.isArray(file.varNames)) {
    throw new Error(`load: '${modelPath}' is not a scvi-ts model file`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(weightsPath);
  } catch {
    throw new Error(`load: missing '${weightsPath}'`);
  }
  if (bytes.byteLength !== file.totalElements * 4) {
    throw new Error(`load: '${weightsPath}' has ${bytes.byteLength} bytes, expected ${file.totalElements * 4} (truncated or foreign file)`);
  }
  const weights = new Float32Array(file.totalElements);
  new Uint8Array(weights.buffer).set(bytes);
  return { file, weights };
}
