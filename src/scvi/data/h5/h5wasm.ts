/**
 * HDF5 through `h5wasm`: start-up, opening files with readable errors, and reading datasets
 * only when their compression filters can be decoded.
 *
 * h5wasm does not check HDF5's read status: a dataset whose filter is not registered reads
 * as uninitialised memory without an error. {@link readValue} therefore inspects each
 * dataset's filter pipeline first and refuses the ones it cannot decode, naming the filter
 * and the dataset. LZF (h5py's `compression="lzf"`) is among the refused: the
 * `h5wasm-plugins` build of it aborts the HDF5 module on LZF-compressed string datasets
 * (it needs a libc symbol h5wasm does not export), and anndata compresses its string
 * arrays too.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import h5wasm, { Dataset, File, Group, Reference, type OutputData } from "h5wasm/node";

export { Dataset, File, Group, Reference };

/** HDF5 filters built into h5wasm's HDF5 and checked to decode (id → name). */
const BUILTIN_FILTERS: ReadonlyMap<number, string> = new Map([
  [1, "deflate (gzip)"],
  [2, "shuffle"],
  [3, "fletcher32"],
  [4, "szip"],
  [5, "nbit"],
  [6, "scaleoffset"],
]);

/** Names of registered HDF5 filters a file may name, for error messages. */
const KNOWN_FILTER_NAMES: ReadonlyMap<number, string> = new Map([
  [307, "bzip2"],
  [32000, "lzf"],
  [32001, "blosc"],
  [32004, "lz4"],
  [32008, "bitshuffle"],
  [32013, "zfp"],
  [32015, "zstd"],
  [32017, "sz"],
  [32019, "jpeg"],
  [32022, "bitgroom"],
  [32023, "bitround"],
  [32026, "blosc2"],
]);

let starting: Promise<void> | undefined;

/** Starts h5wasm once; later calls return the same promise. */
export function h5Ready(): Promise<void> {
  starting ??= h5wasm.ready.then(() => undefined);
  return starting;
}

/** The HDF5 filters {@link readValue} decodes, by id. */
export function decodableFilters(): Map<number, string> {
  return new Map(BUILTIN_FILTERS);
}

/**
 * Opens an HDF5 file (after {@link h5Ready}). Reading a missing file or one that is not
 * HDF5 throws an error naming the path instead of HDF5's diagnostic dump.
 */
export function openH5(path: string, mode: "r" | "w"): File {
  const full = resolve(path);
  if (mode === "r" && !existsSync(full)) throw new Error(`no such file: ${full}`);
  let file: File;
  try {
    file = new File(full, mode);
  } catch (err) {
    throw new Error(`cannot open ${full} as HDF5 (${mode === "r" ? "read" : "write"}): ${(err as Error).message}`);
  }
  if (file.file_id < 0n) throw new Error(`cannot open ${full} as HDF5 (${mode === "r" ? "read" : "write"})`);
  return file;
}

/**
 * Throws unless every filter in `ds`' pipeline is one scvi-ts decodes. The error names the
 * dataset, the file and the filter.
 */
export function assertDecodable(ds: Dataset, file: string): void {
  const ok = decodableFilters();
  for (const f of ds.filters) {
    if (!ok.has(f.id)) {
      const name = f.name || KNOWN_FILTER_NAMES.get(f.id) || "unknown";
      throw new Error(
        `cannot read dataset '${ds.path}' in ${file}: it is compressed with HDF5 filter '${name}' (id ${f.id}), ` +
          `which scvi-ts cannot decode; decodable filters: ${[...ok.values()].join(", ")}. ` +
          `Rewrite the file without it, e.g. in Python: anndata.read_h5ad(path).write_h5ad(out, compression="gzip")`,
      );
    }
  }
}

/** Reads a dataset's whole value after checking its filters ({@link assertDecodable}). */
export function readValue(ds: Dataset, file: string): OutputData {
  assertDecodable(ds, file);
  const v = ds.value;
  if (v === null) throw new Error(`dataset '${ds.path}' in ${file} has no value (null dataspace)`);
  return v;
}

/** The HDF5 object at `path` in `group`, or undefined (without HDF5's diagnostic output). */
export function child(group: Group, name: string): Group | Dataset | undefined {
  if (!group.keys().includes(name)) return undefined;
  const obj = group.get(name);
  if (obj instanceof Group || obj instanceof Dataset) return obj;
  return undefined;
}

/** A string attribute of `obj`, or undefined when absent or not a string. */
export function stringAttr(obj: Group | Dataset, name: string): string | undefined {
  const attrs = obj.attrs;
  if (!(name in attrs)) return undefined;
  const v = attrs[name].value;
  if (typeof v === "string") return v;
  if (Array.isArray(v) && v.length === 1 && typeof v[0] === "string") return v[0];
  return undefined;
}
