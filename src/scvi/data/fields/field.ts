/**
 * `AnnDataField`: one declarative piece of a model's data setup (scvi-tools'
 * `BaseAnnDataField`). A field validates an AnnData, registers it (returning a JSON state),
 * transfers a saved state to new data, reports summary statistics, and fetches its data.
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import type { Column } from "../dataframe.js";
import type { Matrix } from "../matrix/matrix.js";
import type { DataRegistry, JsonObject } from "../manager/registry.js";

/** Options that change how a saved setup is transferred to new data. */
export interface TransferOptions {
  /** Add categories unseen in the source data instead of throwing (default false). */
  extendCategories?: boolean;
}

/** One field of an {@link AnnDataManager}. */
export abstract class AnnDataField {
  /** The key models read the data under (`X`, `batch`, ...). */
  abstract readonly registryKey: string;
  /** The AnnData attribute holding the data. */
  abstract readonly attrName: DataRegistry["attrName"];
  /** The key within that attribute (null for X). */
  abstract readonly attrKey: string | null;

  /** True when the field has nothing to register (e.g. no extra covariates given). */
  get isEmpty(): boolean {
    return false;
  }

  /** Throws when `adata` cannot be registered with this field. */
  abstract validateField(adata: AnnData): void;

  /** Validates and registers `adata`, possibly adding columns to it; returns the JSON state. */
  abstract registerField(adata: AnnData): JsonObject;

  /** Applies a saved state to new data (same categories, same genes, ...); returns the new state. */
  abstract transferField(state: JsonObject, adata: AnnData, options: TransferOptions): JsonObject;

  /** Summary statistics computed from the state. */
  abstract getSummaryStats(state: JsonObject): Record<string, number>;

  /** Lines describing the state for {@link AnnDataManager.viewRegistry}, or undefined. */
  viewStateRegistry(_state: JsonObject): {
    /** The table's title. */
    title: string;
    /** Its column headers. */
    headers: string[];
    /** Its rows, as text. */
    rows: string[][];
  } | undefined {
    return undefined;
  }

  /** Where the data lives, or null for an empty field. */
  getDataRegistry(): DataRegistry | null {
    if (this.isEmpty) return null;
    return { attrName: this.attrName, attrKey: this.attrKey };
  }

  /** The registered data of `adata`, one row per cell. */
  abstract getFieldData(adata: AnnData): Matrix;
}

/**
 * The `obs` column `key`; throws naming the key, the field it was asked for, and the
 * available columns.
 */
export function obsColumn(adata: AnnData, key: string, registryKey: string): Column {
  if (!adata.obs.has(key)) {
    const avail = adata.obs.columnNames;
    throw new Error(
      `obs key '${key}' (for the '${registryKey}' field) not found in adata.obs; available: ${avail.length ? avail.join(", ") : "(none)"}`,
    );
  }
  return adata.obs.get(key);
}
