/**
 * `AnnDataManager`: registers an AnnData with a list of declarative fields and keeps the
 * resulting JSON registry (scvi-tools' `AnnDataManager`).
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { AnnData } from "../anndata.js";
import type { AnnDataField, TransferOptions } from "../fields/field.js";
import type { Matrix } from "../matrix/matrix.js";
import {
  MANAGER_UUID_KEY,
  SCVI_TS_VERSION,
  SCVI_UUID_KEY,
  type DataRegistry,
  type FieldRegistry,
  type JsonObject,
  type Registry,
} from "./registry.js";
import { textTable } from "./text-table.js";

/** The model and setup arguments a manager records (what `setup_anndata` was called with). */
export interface SetupMethodArgs {
  /** The model class the data are set up for (e.g. `SCVI`). */
  modelName?: string | null;
  /** The setup method's name (e.g. `setupAnndata`). */
  setupMethodName?: string | null;
  /** The arguments it was called with (saved, and re-applied on `load`). */
  setupArgs?: JsonObject | null;
}

/**
 * Validates an AnnData against a list of fields, registers it, and serves the registered
 * data by registry key. The registry is plain JSON: save it with a model, and apply it to
 * new data with {@link AnnDataManager.transferFields} (same genes, same category codes).
 *
 * @example
 * ```ts
 * const manager = new AnnDataManager(
 *   [
 *     new LayerField(REGISTRY_KEYS.X_KEY, null),
 *     new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, "batch"),
 *     new CategoricalObsField(REGISTRY_KEYS.LABELS_KEY, null),
 *   ],
 *   { modelName: "SCVI", setupMethodName: "setup_anndata", setupArgs: { batchKey: "batch" } },
 * );
 * manager.registerFields(adata);
 * manager.summaryStats; // { nVars: 765, nCells: 700, nBatch: 2, nLabels: 1 }
 * const query = manager.transferFields(newData, { extendCategories: true });
 * ```
 */
export class AnnDataManager {
  /** This manager's id, stored in `adata.uns._scvi_manager_uuid` when it registers. */
  readonly id = randomUUID();
  /** The registered AnnData (undefined until {@link registerFields}). */
  adata: AnnData | undefined;
  private readonly reg: Registry;
  private sourceRegistry: Registry | undefined;
  private transferOptions: TransferOptions = {};

  constructor(
    /** The fields, in registration order (registry keys must be distinct). */
    readonly fields: readonly AnnDataField[],
    setup: SetupMethodArgs = {},
  ) {
    const keys = fields.map((f) => f.registryKey);
    const dup = keys.find((k, i) => keys.indexOf(k) !== i);
    if (dup !== undefined) throw new Error(`AnnDataManager: two fields register the key '${dup}'`);
    this.reg = {
      scviVersion: SCVI_TS_VERSION,
      modelName: setup.modelName ?? null,
      setupMethodName: setup.setupMethodName ?? null,
      setupArgs: setup.setupArgs ?? null,
      fieldRegistries: {},
    };
  }

  /**
   * Registers every field with `adata` (transferring from `sourceRegistry` for the fields it
   * holds) and marks `adata` as registered by this manager.
   */
  registerFields(adata: AnnData, sourceRegistry?: Registry, options: TransferOptions = {}): void {
    if (this.adata) throw new Error("AnnDataManager: an AnnData is already registered with this manager");
    if (!sourceRegistry && options.extendCategories !== undefined) {
      throw new Error("AnnDataManager.registerFields: extendCategories only applies with a source registry");
    }
    const registries: Record<string, FieldRegistry> = {};
    for (const field of this.fields) {
      let state: JsonObject = {};
      if (!field.isEmpty) {
        const source = sourceRegistry?.fieldRegistries[field.registryKey];
        state = source ? field.transferField(source.stateRegistry, adata, options) : field.registerField(adata);
      }
      registries[field.registryKey] = {
        dataRegistry: field.getDataRegistry(),
        stateRegistry: state,
        summaryStats: field.getSummaryStats(state),
      };
    }
    const seen = new Map<string, string>();
    for (const [key, r] of Object.entries(registries)) {
      for (const stat of Object.keys(r.summaryStats)) {
        const other = seen.get(stat);
        if (other !== undefined) throw new Error(`AnnDataManager: fields '${other}' and '${key}' both set summary stat '${stat}'`);
        seen.set(stat, key);
      }
    }
    this.reg.fieldRegistries = registries;
    this.sourceRegistry = sourceRegistry ? structuredClone(sourceRegistry) : undefined;
    this.transferOptions = { ...options };
    this.adata = adata;
    const uuid = typeof adata.uns[SCVI_UUID_KEY] === "string" ? (adata.uns[SCVI_UUID_KEY] as string) : randomUUID();
    adata.uns[SCVI_UUID_KEY] = uuid;
    adata.uns[MANAGER_UUID_KEY] = this.id;
    this.reg.scviUuid = uuid;
  }

  /**
   * A new manager with the same fields registered on `target`, transferring this one's
   * registry: the same genes (count checked) and the same category codes; unseen categories
   * throw unless `extendCategories`.
   */
  transferFields(target: AnnData, options: TransferOptions = {}): AnnDataManager {
    this.requireAdata();
    const next = new AnnDataManager(this.fields, {
      modelName: this.reg.modelName,
      setupMethodName: this.reg.setupMethodName,
      setupArgs: this.reg.setupArgs,
    });
    next.registerFields(target, this.registry, options);
    return next;
  }

  /**
   * Re-registers the AnnData when another manager registered it since (its
   * `uns._scvi_manager_uuid` no longer names this manager), as scvi-tools' `validate`.
   */
  validate(): void {
    const adata = this.requireAdata();
    if (adata.uns[MANAGER_UUID_KEY] !== this.id) {
      this.adata = undefined;
      this.registerFields(adata, this.sourceRegistry, this.sourceRegistry ? this.transferOptions : {});
    }
  }

  private requireAdata(): AnnData {
    if (!this.adata) throw new Error("AnnDataManager: no AnnData registered; call registerFields first");
    return this.adata;
  }

  /** A deep copy of the registry (plain JSON). */
  get registry(): Registry {
    return structuredClone(this.reg);
  }

  /** Where each non-empty field's data lives, by registry key. */
  get dataRegistry(): Record<string, DataRegistry> {
    this.requireAdata();
    const out: Record<string, DataRegistry> = {};
    for (const [k, r] of Object.entries(this.reg.fieldRegistries)) if (r.dataRegistry) out[k] = { ...r.dataRegistry };
    return out;
  }

  /** All fields' summary statistics in one object (`nCells`, `nVars`, `nBatch`, ...). */
  get summaryStats(): Record<string, number> {
    this.requireAdata();
    return Object.assign({}, ...Object.values(this.reg.fieldRegistries).map((r) => r.summaryStats)) as Record<string, number>;
  }

  /** The state registry of the field registered under `key`. */
  getStateRegistry(key: string): JsonObject {
    this.requireAdata();
    const r = this.reg.fieldRegistries[key];
    if (!r) throw new Error(`no field registered under '${key}'; registered: ${Object.keys(this.reg.fieldRegistries).join(", ")}`);
    return structuredClone(r.stateRegistry);
  }

  /**
   * The data registered under `key`, one row per cell: `X` / a layer as registered (sparse
   * or dense), an `obs` field as an `[nObs, 1]` matrix (category codes for categorical ones),
   * a joint or `obsm` field as `[nObs, k]`.
   */
  getFromRegistry(key: string): Matrix {
    const adata = this.requireAdata();
    const field = this.fields.find((f) => f.registryKey === key && !f.isEmpty);
    if (!field) {
      throw new Error(`'${key}' is not in the data registry; registered: ${Object.keys(this.dataRegistry).join(", ")}`);
    }
    return field.getFieldData(adata);
  }

  /** The registry as JSON text. */
  toJSON(): Registry {
    return this.registry;
  }

  /**
   * A readable summary: setup arguments, summary statistics, the data registry and (unless
   * `hideState`) each field's state (category encodings, ...). Print it with `console.log`.
   */
  viewRegistry(options: { hideState?: boolean } = {}): string {
    return AnnDataManager.viewRegistry(this.reg, this.fields, options);
  }

  /** {@link viewRegistry} for a saved registry (fields add their state tables when given). */
  static viewRegistry(registry: Registry, fields: readonly AnnDataField[] = [], options: { hideState?: boolean } = {}): string {
    const parts: string[] = [`AnnData setup with scvi-ts version ${registry.scviVersion}.`];
    if (registry.setupMethodName || registry.modelName) {
      parts.push(
        `Setup via \`${registry.modelName ?? "?"}.${registry.setupMethodName ?? "setup_anndata"}\` with arguments:\n` +
          JSON.stringify(registry.setupArgs ?? {}, null, 2),
      );
    }
    const stats = Object.assign({}, ...Object.values(registry.fieldRegistries).map((r) => r.summaryStats)) as Record<string, number>;
    parts.push(textTable("Summary Statistics", ["Summary Stat Key", "Value"], Object.entries(stats).map(([k, v]) => [k, String(v)])));
    const data = Object.entries(registry.fieldRegistries).filter(([, r]) => r.dataRegistry);
    parts.push(
      textTable(
        "Data Registry",
        ["Registry Key", "scvi-tools Location"],
        data.map(([k, r]) => {
          const d = r.dataRegistry as DataRegistry;
          return [k, d.attrKey === null ? `adata.${d.attrName}` : `adata.${d.attrName}['${d.attrKey}']`];
        }),
      ),
    );
    if (!options.hideState) {
      for (const f of fields) {
        const r = registry.fieldRegistries[f.registryKey];
        const view = r && !f.isEmpty ? f.viewStateRegistry(r.stateRegistry) : undefined;
        if (view) parts.push(textTable(view.title, view.headers, view.rows));
      }
    }
    return parts.join("\n\n");
  }
}
