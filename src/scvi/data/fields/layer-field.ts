/**
 * `LayerField`: the count matrix, `X` or a layer (scvi-tools' `LayerField`).
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import { findFirst, type Matrix } from "../matrix/matrix.js";
import { countStatKey, REGISTRY_KEYS, type JsonObject } from "../manager/registry.js";
import { AnnDataField, type TransferOptions } from "./field.js";

/** Options of {@link LayerField}. */
export interface LayerFieldOptions {
  /** Check that the data are counts (default true): non-negative, finite, integer. */
  isCountData?: boolean;
}

/**
 * Registers `X` (layer null) or `adata.layers[layer]` under `registryKey`. With count data,
 * a negative, NaN or infinite value throws naming the first such cell and gene; non-integer
 * values give one warning naming the layer, as in scvi-tools.
 *
 * @example
 * ```ts
 * new LayerField(REGISTRY_KEYS.X_KEY, "counts");
 * ```
 */
export class LayerField extends AnnDataField {
  readonly attrName: "X" | "layers";
  /** Whether the data are checked to be counts. */
  readonly isCountData: boolean;

  constructor(
    readonly registryKey: string,
    /** The layer (null: `X`). */
    readonly layer: string | null,
    options: LayerFieldOptions = {},
  ) {
    super();
    this.attrName = layer === null ? "X" : "layers";
    this.isCountData = options.isCountData ?? true;
  }

  get attrKey(): string | null {
    return this.layer;
  }

  private where(): string {
    return this.layer === null ? "adata.X" : `adata.layers['${this.layer}']`;
  }

  validateField(adata: AnnData): void {
    const m = this.getFieldData(adata);
    if (!this.isCountData) return;
    const bad = findFirst(m, (v) => !Number.isFinite(v) || v < 0);
    if (bad) {
      const what = Number.isNaN(bad.value) ? "NaN" : bad.value < 0 ? `a negative value (${bad.value})` : `an infinite value (${bad.value})`;
      throw new Error(
        `${this.where()} has ${what} at cell '${adata.obsNames[bad.row]}' (row ${bad.row}), gene '${adata.varNames[bad.col]}' (column ${bad.col}); ` +
          `count data must be non-negative and finite`,
      );
    }
    const frac = findFirst(m, (v) => v % 1 !== 0);
    if (frac) {
      console.warn(
        `scvi-ts: ${this.where()} does not contain unnormalized count data (e.g. ${frac.value} at cell '${adata.obsNames[frac.row]}', ` +
          `gene '${adata.varNames[frac.col]}'). Are you sure this is what you want?`,
      );
    }
  }

  registerField(adata: AnnData): JsonObject {
    this.validateField(adata);
    return { nObs: adata.nObs, nVars: adata.nVars, columnNames: [...adata.varNames] };
  }

  transferField(state: JsonObject, adata: AnnData, _options: TransferOptions): JsonObject {
    const nVars = state.nVars as number;
    if (adata.nVars !== nVars) {
      throw new Error(`${this.where()}: the target AnnData has ${adata.nVars} genes, the source had ${nVars}`);
    }
    return this.registerField(adata);
  }

  getSummaryStats(state: JsonObject): Record<string, number> {
    if (this.registryKey === REGISTRY_KEYS.X_KEY) return { nVars: state.nVars as number, nCells: state.nObs as number };
    return { [countStatKey(this.registryKey)]: state.nVars as number };
  }

  getFieldData(adata: AnnData): Matrix {
    return adata.getLayer(this.layer);
  }
}
