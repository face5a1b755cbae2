/**
 * `AnnData`: annotated cells × genes data, the object scvi-tools models are set up on.
 *
 * @module
 */
import { DataFrame } from "./dataframe.js";
import type { Matrix } from "./matrix/matrix.js";
import { toIndices, type Selection } from "./selection.js";

/** A value in `uns`: plain JSON-able data, nested freely. */
export type UnsValue = string | number | boolean | null | UnsValue[] | { [key: string]: UnsValue };

/** The unstructured annotations `uns`. */
export type UnsDict = { [key: string]: UnsValue };

/** What {@link AnnData}'s constructor takes; everything but `X` or a shape has a default. */
export interface AnnDataInit {
  /** The main matrix, cells × genes (or null with `obs` and `var` giving the shape). */
  X?: Matrix | null;
  /** Per-cell table (default: cells named "0", "1", ...). */
  obs?: DataFrame;
  /** Per-gene table (default: genes named "0", "1", ...). */
  var?: DataFrame;
  /** Per-cell matrices (embeddings), each with `nObs` rows. */
  obsm?: Record<string, Matrix> | Map<string, Matrix>;
  /** Per-gene matrices, each with `nVars` rows. */
  varm?: Record<string, Matrix> | Map<string, Matrix>;
  /** Alternative cells × genes matrices (e.g. raw counts). */
  layers?: Record<string, Matrix> | Map<string, Matrix>;
  /** Unstructured annotations. */
  uns?: UnsDict;
}

function toMap(m: Record<string, Matrix> | Map<string, Matrix> | undefined): Map<string, Matrix> {
  if (!m) return new Map();
  return m instanceof Map ? new Map(m) : new Map(Object.entries(m));
}

function defaultNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(i));
}

/**
 * Annotated data: a cells × genes matrix `X` (sparse CSR or dense float32) with per-cell
 * (`obs`, `obsm`) and per-gene (`var`, `varm`) annotations, extra matrices of the same shape
 * (`layers`), and unstructured metadata (`uns`), as Python's `anndata.AnnData`.
 *
 * @example
 * ```ts
 * const adata = new AnnData({ X: DenseMatrix.fromRows([[1, 0], [0, 3], [2, 2]]) });
 * adata.nObs; // 3
 * const firstTwo = adata.subset({ obs: [0, 1] });
 * const secondGene = adata.subset({ vars: [false, true] });
 * ```
 */
export class AnnData {
  /** The main matrix (null when the file had none). */
  X: Matrix | null;
  /** Per-cell annotations; its index holds the cell names. */
  obs: DataFrame;
  /** Per-gene annotations; its index holds the gene names. */
  var: DataFrame;
  /** Per-cell matrices (`nObs` rows each). */
  readonly obsm: Map<string, Matrix>;
  /** Per-gene matrices (`nVars` rows each). */
  readonly varm: Map<string, Matrix>;
  /** Matrices shaped like `X`. */
  readonly layers: Map<string, Matrix>;
  /** Unstructured annotations. */
  uns: UnsDict;

  constructor(init: AnnDataInit) {
    const X = init.X ?? null;
    const nObs = X ? X.shape[0] : (init.obs?.nRows ?? 0);
    const nVars = X ? X.shape[1] : (init.var?.nRows ?? 0);
    this.X = X;
    this.obs = init.obs ?? new DataFrame(defaultNames(nObs), {}, "obs");
    this.var = init.var ?? new DataFrame(defaultNames(nVars), {}, "var");
    this.obs.name = "obs";
    this.var.name = "var";
    if (this.obs.nRows !== nObs) throw new Error(`AnnData: obs has ${this.obs.nRows} rows, X has ${nObs}`);
    if (this.var.nRows !== nVars) throw new Error(`AnnData: var has ${this.var.nRows} rows, X has ${nVars} columns`);
    this.obsm = toMap(init.obsm);
    this.varm = toMap(init.varm);
    this.layers = toMap(init.layers);
    this.uns = init.uns ?? {};
    for (const [k, m] of this.obsm) this.checkRows("obsm", k, m, nObs);
    for (const [k, m] of this.varm) this.checkRows("varm", k, m, nVars);
    for (const [k, m] of this.layers) {
      if (m.shape[0] !== nObs || m.shape[1] !== nVars) {
        throw new Error(`AnnData: layer '${k}' has shape [${m.shape}], expected [${nObs}, ${nVars}]`);
      }
    }
  }

  private checkRows(attr: string, key: string, m: Matrix, n: number): void {
    if (m.shape[0] !== n) throw new Error(`AnnData: ${attr} '${key}' has ${m.shape[0]} rows, expected ${n}`);
  }

  /** Number of cells (observations). */
  get nObs(): number {
    return this.obs.nRows;
  }

  /** Number of genes (variables). */
  get nVars(): number {
    return this.var.nRows;
  }

  /** `[nObs, nVars]`. */
  get shape(): [number, number] {
    return [this.nObs, this.nVars];
  }

  /** The cell names (`obs` index). */
  get obsNames(): readonly string[] {
    return this.obs.index;
  }

  /** The gene names (`var` index). */
  get varNames(): readonly string[] {
    return this.var.index;
  }

  /**
   * The matrix at `layer` (`X` when undefined or null); throws naming the layer and the
   * available ones when missing.
   */
  getLayer(layer?: string | null): Matrix {
    if (layer === undefined || layer === null) {
      if (!this.X) throw new Error("AnnData has no X");
      return this.X;
    }
    const m = this.layers.get(layer);
    if (!m) {
      const avail = [...this.layers.keys()];
      throw new Error(`layer '${layer}' not found in adata.layers; available: ${avail.length ? avail.join(", ") : "(none)"}`);
    }
    return m;
  }

  /**
   * A new AnnData with the selected cells and genes (indices in the order given, or boolean
   * masks). Matrices and tables are copied; `uns` is deep-copied.
   */
  subset(sel: { obs?: Selection; vars?: Selection }): AnnData {
    const oi = sel.obs === undefined ? undefined : toIndices(sel.obs, this.nObs, "obs");
    const vi = sel.vars === undefined ? undefined : toIndices(sel.vars, this.nVars, "vars");
    const mapM = (m: Map<string, Matrix>, rows?: Int32Array, cols?: Int32Array) =>
      new Map([...m].map(([k, x]) => [k, x.subset(rows, cols)] as [string, Matrix]));
    return new AnnData({
      X: this.X ? this.X.subset(oi, vi) : null,
      obs: oi ? this.obs.subset(oi) : this.obs.copy(),
      var: vi ? this.var.subset(vi) : this.var.copy(),
      obsm: mapM(this.obsm, oi),
      varm: mapM(this.varm, vi),
      layers: mapM(this.layers, oi, vi),
      uns: structuredClone(this.uns),
    });
  }

  /** A short description, as anndata's repr. */
  toString(): string {
    const parts = [`AnnData object with nObs × nVars = ${this.nObs} × ${this.nVars}`];
    const line = (name: string, keys: string[]) => {
      if (keys.length) parts.push(`    ${name}: ${keys.map((k) => `'${k}'`).join(", ")}`);
    };
    line("obs", this.obs.columnNames);
    line("var", this.var.columnNames);
    line("uns", Object.keys(this.uns));
    line("obsm", [...this.obsm.keys()]);
    line("varm", [...this.varm.keys()]);
    line("layers", [...this.layers.keys()]);
    return parts.join("\n");
  }
}
