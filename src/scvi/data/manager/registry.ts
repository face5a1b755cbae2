/**
 * The registry an {@link AnnDataManager} builds: scvi-tools' registry keys and the JSON shape
 * of setup arguments, per-field data and state registries, and summary statistics.
 *
 * @module
 */
import { readFileSync } from "node:fs";

/** The keys models use to find registered data (scvi-tools' `REGISTRY_KEYS`, same strings). */
export const REGISTRY_KEYS = {
  X_KEY: "X",
  BATCH_KEY: "batch",
  SAMPLE_KEY: "sample",
  LABELS_KEY: "labels",
  PROTEIN_EXP_KEY: "proteins",
  CAT_COVS_KEY: "extra_categorical_covs",
  CONT_COVS_KEY: "extra_continuous_covs",
  INDICES_KEY: "ind_x",
  SIZE_FACTOR_KEY: "size_factor",
  OBSERVED_LIB_SIZE: "observed_lib_size",
} as const;

/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { [key: string]: JsonValue };

/** Where a field's data lives in the AnnData: `adata[attrName][attrKey]` (`attrKey` null for X). */
export interface DataRegistry {
  attrName: "X" | "layers" | "obs" | "obsm";
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
  scviVersion: string;
  modelName: string | null;
  setupMethodName: string | null;
  setupArgs: JsonObject | null;
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
