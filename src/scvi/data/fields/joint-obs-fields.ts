/**
 * Joint fields: several `obs` columns registered together as one `obsm` matrix, for extra
 * covariates (scvi-tools' `CategoricalJointObsField` and `NumericalJointObsField`).
 *
 * @module
 */
import type { AnnData } from "../anndata.js";
import { DenseMatrix } from "../matrix/dense-matrix.js";
import type { Matrix } from "../matrix/matrix.js";
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
import { numericValues } from "./numerical-obs-field.js";

abstract class JointObsField extends AnnDataField {
  readonly attrName = "obsm" as const;
  readonly attrKey: string;
  /** The `obs` columns registered together, in order (empty: the field is empty). */
  readonly obsKeys: readonly string[];

  constructor(
    /** The registry key (e.g. `REGISTRY_KEYS.CAT_COVS_KEY`). */
    readonly registryKey: string,
    obsKeys: readonly string[] | null,
  ) {
    super();
    this.attrKey = `_scvi_${registryKey}`;
    this.obsKeys = [...(obsKeys ?? [])];
  }

  override get isEmpty(): boolean {
    return this.obsKeys.length === 0;
  }

  validateField(adata: AnnData): void {
    for (const k of this.obsKeys) obsColumn(adata, k, this.registryKey);
  }

  getSummaryStats(): Record<string, number> {
    return { [countStatKey(this.registryKey)]: this.obsKeys.length };
  }

  getFieldData(adata: AnnData): Matrix {
    if (this.isEmpty) throw new Error(`the ${this.registryKey} field is empty`);
    const m = adata.obsm.get(this.attrKey);
    if (!m) throw new Error(`adata.obsm['${this.attrKey}'] is missing: register the AnnData with this field first`);
    return m;
  }

  /** Columns into an `[nObs, k]` matrix. */
  protected store(adata: AnnData, columns: ArrayLike<number>[]): void {
    const n = adata.nObs;
    const k = columns.length;
    const data = new Float32Array(n * k);
    columns.forEach((col, j) => {
      for (let i = 0; i < n; i++) data[i * k + j] = col[i];
    });
    adata.obsm.set(this.attrKey, new DenseMatrix([n, k], data));
  }
}

/**
 * Registers categorical `obs` columns together (`extra_categorical_covs`): codes in
 * `adata.obsm["_scvi_<registryKey>"]` (one column per key), mappings per key in the state.
 *
 * @example
 * ```ts
 * new CategoricalJointObsField(REGISTRY_KEYS.CAT_COVS_KEY, ["donor", "protocol"]);
 * ```
 */
export class CategoricalJointObsField extends JointObsField {
  private encodeAll(adata: AnnData, mappings: Record<string, CategoryValue[]>): JsonObject {
    const codes = this.obsKeys.map((k) => {
      const what = `adata.obs['${k}']`;
      const c = encodeCategories(columnValues(obsColumn(adata, k, this.registryKey)), mappings[k], adata, what);
      warnSmallCategories(c, mappings[k], what);
      return c;
    });
    this.store(adata, codes);
    return {
      mappings,
      fieldKeys: [...this.obsKeys],
      nCatsPerKey: this.obsKeys.map((k) => mappings[k].length),
    };
  }

  registerField(adata: AnnData): JsonObject {
    if (this.isEmpty) return {};
    this.validateField(adata);
    return this.encodeAll(adata, Object.fromEntries(this.obsKeys.map((k) => [k, defaultMapping(adata.obs.get(k))])));
  }

  transferField(state: JsonObject, adata: AnnData, options: TransferOptions): JsonObject {
    if (this.isEmpty) return {};
    this.validateField(adata);
    const source = state.mappings as Record<string, CategoryValue[]>;
    const mappings = Object.fromEntries(
      this.obsKeys.map((k) => {
        if (!source[k]) throw new Error(`the source registry of '${this.registryKey}' has no mapping for obs key '${k}'`);
        const values = columnValues(adata.obs.get(k));
        return [k, extendMapping(source[k], values, options.extendCategories ?? false, `adata.obs['${k}']`)];
      }),
    );
    return this.encodeAll(adata, mappings);
  }

  override viewStateRegistry(state: JsonObject): {
    /** The table's title. */
    title: string;
    /** Its column headers. */
    headers: string[];
    /** Its rows, as text. */
    rows: string[][];
  } | undefined {
    if (this.isEmpty) return undefined;
    const mappings = state.mappings as Record<string, CategoryValue[]>;
    const rows: string[][] = [];
    for (const [k, m] of Object.entries(mappings)) {
      m.forEach((c, i) => rows.push([i === 0 ? `adata.obs['${k}']` : "", String(c), String(i)]));
    }
    return { title: `${this.registryKey} State Registry`, headers: ["Source Location", "Categories", "scvi-tools Encoding"], rows };
  }
}

/**
 * Registers numeric `obs` columns together (`extra_continuous_covs`) as
 * `adata.obsm["_scvi_<registryKey>"]`, one column per key.
 *
 * @example
 * ```ts
 * new NumericalJointObsField(REGISTRY_KEYS.CONT_COVS_KEY, ["percent_mito"]);
 * ```
 */
export class NumericalJointObsField extends JointObsField {
  registerField(adata: AnnData): JsonObject {
    if (this.isEmpty) return {};
    this.validateField(adata);
    this.store(
      adata,
      this.obsKeys.map((k) => numericValues(adata.obs.get(k), `adata.obs['${k}']`)),
    );
    return { columns: [...this.obsKeys] };
  }

  transferField(_state: JsonObject, adata: AnnData, _options: TransferOptions): JsonObject {
    return this.registerField(adata);
  }

  override viewStateRegistry(state: JsonObject): {
    /** The table's title. */
    title: string;
    /** Its column headers. */
    headers: string[];
    /** Its rows, as text. */
    rows: string[][];
  } | undefined {
    if (this.isEmpty) return undefined;
    return {
      title: `${this.registryKey} State Registry`,
      headers: ["Source Location"],
      rows: (state.columns as string[]).map((k) => [`adata.obs['${k}']`]),
    };
  }
}
