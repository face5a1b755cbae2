/**
 * `read10xH5`: Cell Ranger's HDF5 count matrices (v2 `filtered_gene_bc_matrices_h5.h5` with a
 * genome group, v3+ `filtered_feature_bc_matrix.h5` with `matrix/features`).
 *
 * @module
 */
import { ready } from "../../../backend/select.js";
import { AnnData } from "../anndata.js";
import { DataFrame, stringColumn } from "../dataframe.js";
import { CsrMatrix } from "../matrix/csr-matrix.js";
import { toFloat32, toFloat64, toInt32, toStrings } from "../h5/arrays.js";
import { child, Dataset, Group, h5Ready, openH5, readValue } from "../h5/h5wasm.js";

/** Options of {@link read10xH5}. */
export interface Read10xH5Options {
  /** The genome group to read from a v2 file with several (default: the only / first one). */
  genome?: string;
  /** Keep only "Gene Expression" features of a v3 file (default true, as scanpy). */
  gexOnly?: boolean;
}

function ds(g: Group, name: string, file: string): Dataset {
  const d = child(g, name);
  if (!(d instanceof Dataset)) {
    throw new Error(`${file} is not a Cell Ranger matrix: '${g.path}' has no dataset '${name}' (it has ${g.keys().join(", ")})`);
  }
  return d;
}

function strings(g: Group, name: string, file: string): string[] {
  return toStrings(readValue(ds(g, name, file), file), `${g.path}/${name} in ${file}`);
}

/**
 * Reads a Cell Ranger `.h5` count matrix as cells × genes AnnData: `X` is the CSR view of the
 * stored genes × cells CSC matrix (no copy of the non-zeros), `obs` is indexed by barcode, and
 * `var` by gene symbol with `gene_ids` (plus `feature_types` and `genome` for v3), as scanpy's
 * `read_10x_h5`.
 *
 * @example
 * ```ts
 * const adata = await read10xH5("filtered_feature_bc_matrix.h5");
 * ```
 */
export async function read10xH5(path: string, options: Read10xH5Options = {}): Promise<AnnData> {
  await Promise.all([h5Ready(), ready()]);
  const f = openH5(path, "r");
  const file = f.filename;
  try {
    const v3 = child(f, "matrix");
    let g: Group;
    if (v3 instanceof Group) {
      g = v3;
    } else {
      const groups = f.keys().filter((k) => child(f, k) instanceof Group);
      const name = options.genome ?? groups[0];
      const found = name === undefined ? undefined : child(f, name);
      if (!(found instanceof Group)) {
        throw new Error(
          options.genome
            ? `genome '${options.genome}' not found in ${file}; available: ${groups.join(", ") || "(none)"}`
            : `${file} is not a Cell Ranger matrix: no 'matrix' group and no genome group`,
        );
      }
      g = found;
    }
    const shape = toFloat64(readValue(ds(g, "shape", file), file), `${g.path}/shape`);
    const [nGenes, nCells] = [shape[0], shape[1]];
    const data = toFloat32(readValue(ds(g, "data", file), file), `${g.path}/data`);
    const indices = toInt32(readValue(ds(g, "indices", file), file), `${g.path}/indices`);
    const indptr = toInt32(readValue(ds(g, "indptr", file), file), `${g.path}/indptr`);
    // genes × cells in CSC is cells × genes in CSR: the same three arrays
    let X = new CsrMatrix(indptr, indices, data, [nCells, nGenes]);
    const barcodes = strings(g, "barcodes", file);
    let varFrame: DataFrame;
    if (v3 instanceof Group) {
      const feat = child(g, "features");
      if (!(feat instanceof Group)) throw new Error(`${file}: '${g.path}' has no 'features' group`);
      const names = strings(feat, "name", file);
      const cols = {
        gene_ids: stringColumn(strings(feat, "id", file)),
        feature_types: stringColumn(strings(feat, "feature_type", file)),
        ...(child(feat, "genome") ? { genome: stringColumn(strings(feat, "genome", file)) } : {}),
      };
      varFrame = new DataFrame(names, cols, "var");
      if (options.gexOnly ?? true) {
        const keep = cols.feature_types.values.map((t) => t === "Gene Expression");
        if (keep.some((k) => !k)) {
          X = X.subset(undefined, keep);
          varFrame = varFrame.subset(keep);
        }
      }
    } else {
      varFrame = new DataFrame(strings(g, "gene_names", file), { gene_ids: stringColumn(strings(g, "genes", file)) }, "var");
    }
    return new AnnData({ X, obs: new DataFrame(barcodes, {}, "obs"), var: varFrame });
  } finally {
    f.close();
  }
}
