/**
 * `NumericalObsField`: a numeric `obs` column, e.g. size factors (scvi-tools'
 * `NumericalObsField`).
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import type { Column } from "../dataframe.js";
import { DenseMatrix } from "../matrix/dense-matrix.js";
import type { JsonObject } from "../manager/registry.js";
import { AnnDataField, obsColumn, type TransferOptions } from "./field.js";

/** The values of a numeric or boolean column as float32; throws for other kinds. */
export function numericValues(col: Column, what: string): Float32Array {
  if (col.kind === "numeric") return Float32Array.from(col.values);
  if (col.kind === "boolean") return Float32Array.from(col.values);
  throw new Error(`${what} is a ${col.kind} column; a numerical field needs numbers`);
}

/**
 * Registers the numeric `obs` column `obsKey` under `registryKey`; its data is a
 * `[nObs, 1]` matrix.
 *
 * @example
 * ```ts
 * new NumericalObsField(REGISTRY_KEYS.SIZE_FACTOR_KEY, "size_factor");
 * ```
 */
export class NumericalObsField extends AnnDataField {
  readonly attrName = "obs" as const;

  constructor(
    readonly registryKey: string,
    readonly attrKey: string,
  ) {
    super();
  }

  validateField(adata: AnnData): void {
    numericValues(obsColumn(adata, this.attrKey, this.registryKey), `adata.obs['${this.attrKey}']`);
  }

  registerField(adata: AnnData): JsonObject {
    this.validateField(adata);
    return {};
  }

  transferField(_state: JsonObject, adata: AnnData, _options: TransferOptions): JsonObject {
    return this.registerField(adata);
  }

  getSummaryStats(): Record<string, number> {
    return {};
  }

  getFieldData(adata: AnnData): DenseMatrix {
    const v = numericValues(obsColumn(adata, this.attrKey, this.registryKey), `adata.obs['${this.attrKey}']`);
    return new DenseMatrix([adata.nObs, 1], v);
  }
}
