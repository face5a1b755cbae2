/**
 * `ObsmField`: a per-cell matrix in `obsm` (scvi-tools' `ObsmField`), e.g. protein counts.
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import { findFirst, type Matrix } from "../matrix/matrix.js";
import { countStatKey, type JsonObject, type JsonValue } from "../manager/registry.js";
import { AnnDataField, type TransferOptions } from "./field.js";

/** Options of {@link ObsmField}. */
export interface ObsmFieldOptions {
  /** An `uns` key holding the column names (default: 0, 1, 2, ...). */
  colnamesUnsKey?: string;
  /** Warn when the values are not non-negative integers (default false). */
  isCountData?: boolean;
}

/**
 * Registers `adata.obsm[obsmKey]` under `registryKey`; the state keeps its column names, and
 * a transfer checks that the new data has as many columns.
 *
 * @example
 * ```ts
 * new ObsmField(REGISTRY_KEYS.PROTEIN_EXP_KEY, "protein_expression");
 * ```
 */
export class ObsmField extends AnnDataField {
  readonly attrName = "obsm" as const;

  constructor(
    readonly registryKey: string,
    readonly attrKey: string,
    /** Column names and count checks. */
    readonly options: ObsmFieldOptions = {},
  ) {
    super();
  }

  validateField(adata: AnnData): void {
    const m = this.getFieldData(adata);
    if (this.options.isCountData && findFirst(m, (v) => !(v >= 0) || v % 1 !== 0)) {
      console.warn(`scvi-ts: adata.obsm['${this.attrKey}'] does not contain unnormalized count data. Are you sure this is what you want?`);
    }
  }

  registerField(adata: AnnData): JsonObject {
    this.validateField(adata);
    const m = this.getFieldData(adata);
    let columnNames: JsonValue[];
    if (this.options.colnamesUnsKey !== undefined) {
      const names = adata.uns[this.options.colnamesUnsKey];
      if (!Array.isArray(names) || names.length !== m.shape[1]) {
        throw new Error(`adata.uns['${this.options.colnamesUnsKey}'] must list the ${m.shape[1]} column names of adata.obsm['${this.attrKey}']`);
      }
      columnNames = names;
    } else {
      columnNames = Array.from({ length: m.shape[1] }, (_, j) => j);
    }
    return { columnNames };
  }

  transferField(state: JsonObject, adata: AnnData, _options: TransferOptions): JsonObject {
    this.validateField(adata);
    const cols = state.columnNames as JsonValue[];
    const m = this.getFieldData(adata);
    if (m.shape[1] !== cols.length) {
      throw new Error(`adata.obsm['${this.attrKey}'] has ${m.shape[1]} columns in the target, ${cols.length} in the source`);
    }
    return { columnNames: [...cols] };
  }

  getSummaryStats(state: JsonObject): Record<string, number> {
    return { [countStatKey(this.registryKey)]: (state.columnNames as JsonValue[]).length };
  }

  getFieldData(adata: AnnData): Matrix {
    const m = adata.obsm.get(this.attrKey);
    if (!m) {
      const avail = [...adata.obsm.keys()];
      throw new Error(
        `obsm key '${this.attrKey}' (for the '${this.registryKey}' field) not found in adata.obsm; available: ${avail.length ? avail.join(", ") : "(none)"}`,
      );
    }
    return m;
  }
}
