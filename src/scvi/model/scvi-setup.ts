/**
 * `SCVI.setupAnndata`'s fields and the data-derived quantities scVI needs (library-size
 * prior per batch, category counts).
 *
 * @module
 */
import type { AnnData } from "../data/anndata.js";
import { CategoricalObsField } from "../data/fields/categorical-obs-field.js";
import type { AnnDataField } from "../data/fields/field.js";
import { CategoricalJointObsField, NumericalJointObsField } from "../data/fields/joint-obs-fields.js";
import { LayerField } from "../data/fields/layer-field.js";
import { NumericalObsField } from "../data/fields/numerical-obs-field.js";
import type { AnnDataManager } from "../data/manager/anndata-manager.js";
import { REGISTRY_KEYS, type JsonObject } from "../data/manager/registry.js";

/** Arguments of `SCVI.setupAnndata` (scvi-tools' names in camelCase). */
export interface ScviSetupArgs {
  /** The layer with the counts (default: X). */
  layer?: string | null;
  /** The obs column of batches. */
  batchKey?: string | null;
  /** The obs column of labels (cell types). */
  labelsKey?: string | null;
  /** The obs column of size factors. */
  sizeFactorKey?: string | null;
  /** Obs columns of extra categorical covariates. */
  categoricalCovariateKeys?: string[] | null;
  /** Obs columns of extra continuous covariates. */
  continuousCovariateKeys?: string[] | null;
}

/** The setup arguments as stored in the registry (every key present). */
export function setupArgsToJson(args: ScviSetupArgs): JsonObject {
  return {
    layer: args.layer ?? null,
    batchKey: args.batchKey ?? null,
    labelsKey: args.labelsKey ?? null,
    sizeFactorKey: args.sizeFactorKey ?? null,
    categoricalCovariateKeys: args.categoricalCovariateKeys ?? null,
    continuousCovariateKeys: args.continuousCovariateKeys ?? null,
  };
}

/** The fields of scVI's `setupAnndata`. */
export function scviFields(args: JsonObject): AnnDataField[] {
  const fields: AnnDataField[] = [
    new LayerField(REGISTRY_KEYS.X_KEY, (args.layer as string | null) ?? null),
    new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, (args.batchKey as string | null) ?? null),
    new CategoricalObsField(REGISTRY_KEYS.LABELS_KEY, (args.labelsKey as string | null) ?? null),
  ];
  if (args.sizeFactorKey) fields.push(new NumericalObsField(REGISTRY_KEYS.SIZE_FACTOR_KEY, args.sizeFactorKey as string));
  fields.push(new CategoricalJointObsField(REGISTRY_KEYS.CAT_COVS_KEY, (args.categoricalCovariateKeys as string[] | null) ?? null));
  fields.push(new NumericalJointObsField(REGISTRY_KEYS.CONT_COVS_KEY, (args.continuousCovariateKeys as string[] | null) ?? null));
  return fields;
}

/** Category counts of the extra categorical covariates, from the registry. */
export function catsPerCov(manager: AnnDataManager): number[] {
  const reg = manager.registry.fieldRegistries[REGISTRY_KEYS.CAT_COVS_KEY];
  const counts = reg?.stateRegistry.nCatsPerKey;
  return Array.isArray(counts) ? (counts as number[]) : [];
}

/**
 * Mean and variance of the log library size (total counts) per batch, as scvi-tools'
 * `_init_library_size` computes them (population variance).
 */
export function initLibrarySize(manager: AnnDataManager, nBatch: number): { means: number[]; vars: number[] } {
  const x = manager.getFromRegistry(REGISTRY_KEYS.X_KEY);
  const batch = manager.getFromRegistry(REGISTRY_KEYS.BATCH_KEY);
  const n = x.shape[0];
  const all = new Int32Array(n).map((_, i) => i);
  const sums = new Float64Array(n);
  const rows = x.rows(all);
  const g = x.shape[1];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < g; j++) s += rows[i * g + j]!;
    sums[i] = s;
  }
  const codes = batch.rows(all);
  const nb = Math.max(1, nBatch);
  const means: number[] = [];
  const vars: number[] = [];
  for (let b = 0; b < nb; b++) {
    const logs: number[] = [];
    for (let i = 0; i < n; i++) if (codes[i] === b && sums[i]! > 0) logs.push(Math.log(sums[i]!));
    if (logs.length === 0) throw new Error(`SCVI: batch ${b} has no cell with counts; cannot initialise its library-size prior`);
    const mean = logs.reduce((a, v) => a + v, 0) / logs.length;
    means.push(mean);
    vars.push(logs.reduce((a, v) => a + (v - mean) ** 2, 0) / logs.length);
  }
  return { means, vars };
}

/** The AnnData a model method works on: the registered one, or `adata` set up by transfer. */
export type AdataArg = AnnData | undefined;
