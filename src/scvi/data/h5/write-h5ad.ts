/**
 * `writeH5ad`: saves an AnnData as an `.h5ad` file that Python's anndata reads.
 *
 * @module
 */
import { ready } from "../../../backend/select.js";
import { rmSync } from "node:fs";
import type { AnnData } from "../anndata.js";
import { h5Ready, openH5 } from "./h5wasm.js";
import { setEncoding, writeDataFrame, writeMatrix, writeMatrixDict, writeUnsElem, type WriteSettings } from "./write-elem.js";

/** Options of {@link writeH5ad}. */
export interface WriteH5adOptions {
  /** `"gzip"` compresses the numeric datasets (level `compressionLevel`, default 4). */
  compression?: "gzip";
  /** gzip level 0–9 (default 4, as h5py). */
  compressionLevel?: number;
  /**
   * The `dataframe` encoding of `obs` / `var`: `"0.1.0"` (default; categoricals reference
   * `__categories/<col>`, read by every anndata since 0.7) or `"0.2.0"` (categorical groups,
   * the current layout; their categoricals need anndata ≥ 0.9 because h5wasm cannot write
   * the HDF5 boolean that anndata 0.8.0 expects in `ordered`).
   */
  dataframeEncoding?: "0.1.0" | "0.2.0";
}

/**
 * Writes `adata` to `path` (replacing it) in anndata's on-disk format: `X` and layers as
 * `csr_matrix` groups or dense `array`s, `obs` / `var` as data frames (numeric columns keep
 * their dtype; boolean columns become uint8), `obsm` / `varm`, and `uns` as nested dicts
 * (integers → int64, other numbers → float64, booleans → int8, strings → UTF-8).
 *
 * @example
 * ```ts
 * await writeH5ad(adata, "out.h5ad", { compression: "gzip" });
 * const back = await readH5ad("out.h5ad");
 * ```
 */
export async function writeH5ad(adata: AnnData, path: string, options: WriteH5adOptions = {}): Promise<void> {
  await ready();
  const level = options.compressionLevel ?? 4;
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new Error(`writeH5ad: compressionLevel must be an integer in 0..9, got ${level}`);
  }
  if (options.compression !== undefined && options.compression !== "gzip") {
    throw new Error(`writeH5ad: compression '${String(options.compression)}' is not supported (only "gzip")`);
  }
  const s: WriteSettings = {
    gzipLevel: options.compression === "gzip" ? level : undefined,
    dataframeEncoding: options.dataframeEncoding ?? "0.1.0",
  };
  await h5Ready();
  const f = openH5(path, "w");
  let ok = false;
  try {
    setEncoding(f, "anndata", "0.1.0");
    if (adata.X) writeMatrix(f, "X", adata.X, s);
    writeDataFrame(f, "obs", adata.obs, s);
    writeDataFrame(f, "var", adata.var, s);
    writeMatrixDict(f, "obsm", adata.obsm, s);
    writeMatrixDict(f, "varm", adata.varm, s);
    writeMatrixDict(f, "layers", adata.layers, s);
    for (const k of ["obsp", "varp"]) setEncoding(f.create_group(k), "dict", "0.1.0");
    const uns = f.create_group("uns");
    setEncoding(uns, "dict", "0.1.0");
    for (const [k, v] of Object.entries(adata.uns)) writeUnsElem(uns, k, v, `uns['${k}']`, s);
    ok = true;
  } finally {
    f.close();
    if (!ok) rmSync(f.filename, { force: true });
  }
}
