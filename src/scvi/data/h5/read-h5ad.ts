/**
 * `readH5ad`: loads an `.h5ad` file written by Python's anndata (any version from 0.6 on) or
 * by {@link writeH5ad}.
 *
 * @module
 */
import { ready } from "../../../backend/select.js";
import { AnnData, type UnsDict, type UnsValue } from "../anndata.js";
import { DataFrame } from "../dataframe.js";
import type { Matrix } from "../matrix/matrix.js";
import { child, Dataset, Group, h5Ready, openH5, stringAttr } from "./h5wasm.js";
import { readDataFrame } from "./read-dataframe.js";
import { readMatrix } from "./read-matrix.js";
import { readUnsDict } from "./read-uns.js";

function readMatrixDict(g: Group | Dataset | undefined, attr: string, file: string): Map<string, Matrix> {
  const out = new Map<string, Matrix>();
  if (!(g instanceof Group)) return out;
  for (const key of g.keys()) {
    const obj = child(g, key);
    if (!obj) continue;
    const enc = stringAttr(obj, "encoding-type");
    if (obj instanceof Group && enc === "dataframe") {
      console.warn(`scvi-ts: skipping ${attr} '${key}' of ${file}: data frames in ${attr} are not supported`);
      continue;
    }
    out.set(key, readMatrix(obj, file));
  }
  return out;
}

/**
 * anndata < 0.7 kept a categorical column as integer codes with its categories in
 * `uns/<col>_categories`; this restores the categoricals and removes those `uns` entries,
 * as anndata's own reader does.
 */
function restoreUnsCategories(uns: UnsDict, frames: DataFrame[]): void {
  for (const key of Object.keys(uns)) {
    if (!key.endsWith("_categories")) continue;
    const name = key.slice(0, -"_categories".length);
    const raw: UnsValue = uns[key];
    const cats = (Array.isArray(raw) ? raw : [raw]).map((c) => String(c));
    for (const frame of frames) {
      if (!frame.has(name)) continue;
      const col = frame.get(name);
      if (col.kind !== "numeric") continue;
      if (!col.values.every((c) => Number.isInteger(c) && c < cats.length && c >= -1)) continue;
      frame.set(name, { kind: "categorical", categories: cats, codes: Int32Array.from(col.values), ordered: false });
      delete uns[key];
    }
  }
}

/**
 * Reads an `.h5ad` file: `X` (CSR, CSC or dense), `obs` and `var` (numeric, boolean, string
 * and categorical columns), `obsm`, `varm`, `layers` and `uns`. CSC matrices become CSR;
 * values become float32. `raw`, `obsp` and `varp` are not read (a warning names them when
 * they hold data). Compressed datasets are read when their filter is decodable (gzip, szip,
 * LZF with `h5wasm-plugins`, ...) and refused with an error naming the filter otherwise.
 *
 * @example
 * ```ts
 * const adata = await readH5ad("data/pbmc68k_counts.h5ad");
 * adata.shape; // [700, 765]
 * ```
 */
export async function readH5ad(path: string): Promise<AnnData> {
  await Promise.all([h5Ready(), ready()]);
  const f = openH5(path, "r");
  const file = f.filename;
  try {
    const xObj = child(f, "X");
    const X = xObj ? readMatrix(xObj, file) : null;
    const obsObj = child(f, "obs");
    const varObj = child(f, "var");
    const obsRead = obsObj ? readDataFrame(obsObj, "obs", file) : undefined;
    const varRead = varObj ? readDataFrame(varObj, "var", file) : undefined;
    const uns = (() => {
      const u = child(f, "uns");
      return u instanceof Group ? readUnsDict(u, file) : {};
    })();
    const frames = [obsRead, varRead].filter((r) => r !== undefined);
    if (frames.some((r) => r.legacyCompound)) restoreUnsCategories(uns, frames.map((r) => r.frame));
    const dropped = ["raw", "obsp", "varp"].filter((k) => {
      const g = child(f, k);
      return g instanceof Group ? g.keys().length > 0 : g !== undefined;
    });
    if (dropped.length) console.warn(`scvi-ts: ${file}: not reading ${dropped.join(", ")} (unsupported)`);
    return new AnnData({
      X,
      obs: obsRead?.frame,
      var: varRead?.frame,
      obsm: readMatrixDict(child(f, "obsm"), "obsm", file),
      varm: readMatrixDict(child(f, "varm"), "varm", file),
      layers: readMatrixDict(child(f, "layers"), "layers", file),
      uns,
    });
  } finally {
    f.close();
  }
}
