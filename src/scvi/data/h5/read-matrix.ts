/**
 * Reading anndata's matrix encodings: `csr_matrix` / `csc_matrix` groups, `array` datasets,
 * and the pre-0.7 `h5sparse_format` groups.
 *
 * @module
 */
import { CsrMatrix } from "../matrix/csr-matrix.js";
import { DenseMatrix } from "../matrix/dense-matrix.js";
import type { Matrix } from "../matrix/matrix.js";
import { describe, H5T, kindOf, toFloat32, toFloat64, toInt32 } from "./arrays.js";
import { child, Dataset, Group, readValue, stringAttr } from "./h5wasm.js";

function dataset(g: Group, name: string, file: string): Dataset {
  const d = child(g, name);
  if (!(d instanceof Dataset)) throw new Error(`sparse matrix '${g.path}' in ${file} has no dataset '${name}'`);
  return d;
}

function shapeAttr(g: Group, name: string, file: string): [number, number] {
  if (!(name in g.attrs)) throw new Error(`sparse matrix '${g.path}' in ${file} has no '${name}' attribute`);
  const v = g.attrs[name].value;
  if (v === null) throw new Error(`sparse matrix '${g.path}' in ${file}: empty '${name}' attribute`);
  const s = toFloat64(v, `${g.path}@${name}`);
  if (s.length !== 2) throw new Error(`sparse matrix '${g.path}' in ${file}: shape has ${s.length} dimensions, expected 2`);
  return [s[0], s[1]];
}

/** Reads a CSR or CSC group (format `"csr"` / `"csc"`) as a `CsrMatrix`. */
export function readSparseGroup(g: Group, format: "csr" | "csc", shape: [number, number], file: string): CsrMatrix {
  const what = (n: string) => `${g.path}/${n} in ${file}`;
  const data = toFloat32(readValue(dataset(g, "data", file), file), what("data"));
  const indices = toInt32(readValue(dataset(g, "indices", file), file), what("indices"));
  const indptr = toInt32(readValue(dataset(g, "indptr", file), file), what("indptr"));
  try {
    return format === "csr"
      ? new CsrMatrix(indptr, indices, data, shape)
      : CsrMatrix.fromCsc(indptr, indices, data, shape);
  } catch (err) {
    throw new Error(`invalid ${format} matrix '${g.path}' in ${file}: ${(err as Error).message}`);
  }
}

/** Reads a 2-D numeric dataset as a float32 `DenseMatrix` (a 1-D one becomes one column). */
export function readDenseDataset(d: Dataset, file: string): DenseMatrix {
  const meta = d.metadata;
  const k = kindOf(meta);
  if (k.kind !== "numeric" && k.kind !== "bool") {
    throw new Error(`dataset '${d.path}' in ${file} is not numeric (${k.kind === "string" ? "strings" : `HDF5 class ${meta.type}`})`);
  }
  const shape = d.shape ?? [];
  const values = toFloat32(readValue(d, file), `${d.path} in ${file}`);
  if (shape.length === 2) return new DenseMatrix([shape[0], shape[1]], values);
  if (shape.length === 1) return new DenseMatrix([shape[0], 1], values);
  throw new Error(`dataset '${d.path}' in ${file} has ${shape.length} dimensions, expected 2`);
}

/**
 * Reads any matrix element: a `csr_matrix` / `csc_matrix` group, a legacy `h5sparse_format`
 * group, or a dense `array` dataset.
 */
export function readMatrix(obj: Group | Dataset, file: string): Matrix {
  if (obj instanceof Dataset) {
    if (obj.metadata.type === H5T.COMPOUND) {
      throw new Error(`dataset '${obj.path}' in ${file} is a record array, not a matrix`);
    }
    return readDenseDataset(obj, file);
  }
  const enc = stringAttr(obj, "encoding-type");
  if (enc === "csr_matrix" || enc === "csc_matrix") {
    return readSparseGroup(obj, enc === "csr_matrix" ? "csr" : "csc", shapeAttr(obj, "shape", file), file);
  }
  const legacy = stringAttr(obj, "h5sparse_format");
  if (legacy === "csr" || legacy === "csc") {
    return readSparseGroup(obj, legacy, shapeAttr(obj, "h5sparse_shape", file), file);
  }
  throw new Error(
    `'${obj.path}' in ${file} is not a matrix (encoding-type ${enc === undefined ? "missing" : `'${enc}'`}, ${describe(obj)})`,
  );
}
