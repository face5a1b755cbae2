/**
 * The registry an {@link AnnDataManager} builds: scvi-tools' registry keys and the JSON shape
 * of setup arguments, per-field data and state registries, and summary statistics.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** The keys models use to find registered data (scvi-tools' `REGISTRY_KEYS`, same strings). */
export const REGISTRY_KEYS = {
  /** The counts (`X` or a layer). */
  X_KEY: "X",
  /** Batch codes. */
  BATCH_KEY: "batch",
  /** Sample codes. */
  SAMPLE_KEY: "sample",
  /** Label (cell-type) codes. */
  LABELS_KEY: "labels",
  /** Protein counts (an `obsm` matrix). */
  PROTEIN_EXP_KEY: "proteins",
  /** Extra categorical covariates (codes, one column per key). */
  CAT_COVS_KEY: "extra_categorical_covs",
  /** Extra continuous covariates (one column per key). */
  CONT_COVS_KEY: "extra_continuous_covs",
  /** Cell indices. */
  INDICES_KEY: "ind_x",
  /** Size factors. */
  SIZE_FACTOR_KEY: "size_factor",
  /** The observed library size. */
  OBSERVED_LIB_SIZE: "observed_lib_size",
} as const;

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Where a field's data lives in the AnnData: `adata[attrName][attrKey]` (`attrKey` null for X). */
export interface DataRegistry {
  /** The AnnData attribute. */
  attrName: "X" | "layers" | "obs" | "obsm";
  /** The key within it (null for X). */
  attrKey: string | null;
}

/** What one field registered. */
export interface FieldRegistry {
  /** Where its data lives, or null for an empty field (e.g. no extra covariates). */
  dataRegistry: DataRegistry | null;
  /** What the field needs beyond the data (category mappings, column names, ...). */
  stateRegistry: JsonObject;
  /** Counts models size themselves by (`nBatch`, `nVars`, ...). */
  summaryStats: Record<string, number>;
}

/** The whole registry; JSON-serialisable, so models save it and transfer it to new data. */
export interface Registry {
  /** The scvi-ts version that wrote it. */
  scviVersion: string;
  /** The model class the data were set up for. */
  modelName: string | null;
  /** The setup method's name. */
  setupMethodName: string | null;
  /** The setup method's arguments. */
  setupArgs: JsonObject | null;
  /** What each field registered, by registry key. */
  fieldRegistries: Record<string, FieldRegistry>;
  /** The `_scvi_uuid` of the AnnData registered last. */
  scviUuid?: string;
}

/** `uns` keys the manager sets on the AnnData it registers. */
export const SCVI_UUID_KEY = "_scvi_uuid";
/** `uns` key naming the manager that registered the AnnData last. */
export const MANAGER_UUID_KEY = "_scvi_manager_uuid";

/** scvi-ts' version, from its package.json ("unknown" when it cannot be read). */
export const SCVI_TS_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../../../package.json", import.meta.url), "utf8")) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
})();

/** The summary-statistic name for a registry key: `n_` + key, in camelCase (`nExtraCategoricalCovs`). */
export function countStatKey(registryKey: string): string {
  return `n_${registryKey}`.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
