/**
 * `CategoricalObsField`: a categorical `obs` column encoded as integer codes (scvi-tools'
 * `CategoricalObsField`), e.g. batch or cell-type labels.
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import { numericColumn } from "../dataframe.js";
import { DenseMatrix } from "../matrix/dense-matrix.js";
import { countStatKey, type JsonObject } from "../manager/registry.js";
import {
  columnValues,
  defaultMapping,
  encodeCategories,
  extendMapping,
  warnSmallCategories,
  type CategoryValue,
} from "./categorical.js";
import { AnnDataField, obsColumn, type TransferOptions } from "./field.js";

/**
 * Registers the `obs` column `obsKey` under `registryKey`: the codes go to
 * `adata.obs["_scvi_<registryKey>"]` and the mapping (code → category) to the state. With
 * `obsKey` null every cell gets category 0 (one batch). Transferring to new data keeps the
 * mapping; a category the source lacked throws unless `extendCategories`, which appends it.
 *
 * @example
 * ```ts
 * new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, "donor");
 * ```
 */
export class CategoricalObsField extends AnnDataField {
  readonly attrName = "obs" as const;
  readonly attrKey: string;
  /** The obs column read (`_scvi_<key>` itself for the default single category). */
  readonly originalKey: string;
  private readonly isDefault: boolean;

  constructor(
    readonly registryKey: string,
    obsKey: string | null,
  ) {
    super();
    this.attrKey = `_scvi_${registryKey}`;
    this.isDefault = obsKey === null;
    this.originalKey = obsKey ?? this.attrKey;
  }

  private what(): string {
    return `adata.obs['${this.originalKey}']`;
  }

  private setupDefault(adata: AnnData): void {
    if (this.isDefault) adata.obs.set(this.attrKey, numericColumn(new Float64Array(adata.nObs), "int64"));
  }

  validateField(adata: AnnData): void {
    obsColumn(adata, this.originalKey, this.registryKey);
  }

  private encode(adata: AnnData, mapping: CategoryValue[]): JsonObject {
    const values = columnValues(obsColumn(adata, this.originalKey, this.registryKey));
    const codes = encodeCategories(values, mapping, adata, this.what());
    adata.obs.set(this.attrKey, numericColumn(codes, "int32"));
    warnSmallCategories(codes, mapping, this.what());
    return { categoricalMapping: mapping, originalKey: this.originalKey };
  }

  registerField(adata: AnnData): JsonObject {
    this.setupDefault(adata);
    this.validateField(adata);
    return this.encode(adata, defaultMapping(adata.obs.get(this.originalKey)));
  }

  transferField(state: JsonObject, adata: AnnData, options: TransferOptions): JsonObject {
    this.setupDefault(adata);
    this.validateField(adata);
    const source = state.categoricalMapping as CategoryValue[];
    const values = columnValues(adata.obs.get(this.originalKey));
    return this.encode(adata, extendMapping(source, values, options.extendCategories ?? false, this.what()));
  }

  getSummaryStats(state: JsonObject): Record<string, number> {
    const mapping = state.categoricalMapping as CategoryValue[];
    return { [countStatKey(this.registryKey)]: new Set(mapping.map((m) => `${typeof m}:${String(m)}`)).size };
  }

  override viewStateRegistry(state: JsonObject): {
    /** The table's title. */
    title: string;
    /** Its column headers. */
    headers: string[];
    /** Its rows, as text. */
    rows: string[][];
  } {
    const mapping = state.categoricalMapping as CategoryValue[];
    return {
      title: `${this.registryKey} State Registry`,
      headers: ["Source Location", "Categories", "scvi-tools Encoding"],
      rows: mapping.map((c, i) => [i === 0 ? `adata.obs['${String(state.originalKey)}']` : "", String(c), String(i)]),
    };
  }

  getFieldData(adata: AnnData): DenseMatrix {
    const col = adata.obs.get(this.attrKey);
    if (col.kind !== "numeric") throw new Error(`adata.obs['${this.attrKey}'] is not the codes this field registered`);
    return new DenseMatrix([adata.nObs, 1], Float32Array.from(col.values));
  }
}
