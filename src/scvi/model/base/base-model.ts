/**
 * `BaseModelClass`: the user-facing model — it holds the data manager and the module,
 * trains through class-level hooks (splitter, plan, runner), keeps the history, and saves and
 * loads itself. Post-inference methods of subclasses return plain data.
 *
 * @module
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import { getBackend, ready } from "../../../backend/select.js";
import { setSeed } from "../../../backend/random.js";
import { ParamStore, withParamStore, constraintFromName } from "../../../ppl/param-store.js";
import type { AnnData } from "../../data/anndata.js";
import type { AnnDataField } from "../../data/fields/field.js";
import { readH5ad } from "../../data/h5/read-h5ad.js";
import { writeH5ad } from "../../data/h5/write-h5ad.js";
import { DataSplitter, type DataSplitterOptions } from "../../data/loaders/data-splitter.js";
import { AnnDataManager } from "../../data/manager/anndata-manager.js";
import { SCVI_TS_VERSION, type JsonObject, type Registry } from "../../data/manager/registry.js";
import type { Module, StateDict } from "../../nn/module.js";
import type { BaseTrainingPlan } from "../../train/base-plan.js";
import type { Callback } from "../../train/callbacks.js";
import type { History } from "../../train/history.js";
import { TrainRunner } from "../../train/train-runner.js";
import { Trainer, type FitResult, type TrainerOptions } from "../../train/trainer.js";
import { ADATA_FILE, readModelDir, writeModelDir, type ModelFile, type WeightEntry } from "./model-files.js";

/** Options of {@link BaseModelClass.train}. */
export interface TrainOptions {
  /** Epochs (default: scvi-tools' heuristic `min(round(20000 / nCells × 400), 400)`). */
  maxEpochs?: number;
  /** Minibatch size (default 128). */
  batchSize?: number;
  /** Training fraction (default 0.9). */
  trainSize?: number;
  /** Validation fraction (default: the rest). */
  validationSize?: number;
  /** Shuffle cells before splitting (default true). */
  shuffleSetSplit?: boolean;
  /** Drop the last incomplete minibatch (default false). */
  dropLast?: boolean;
  /** Early stopping on `elbo_validation` (default false). */
  earlyStopping?: boolean;
  /** Early stopping patience (default 45). */
  earlyStoppingPatience?: number;
  /** Early stopping monitor (default `elbo_validation`). */
  earlyStoppingMonitor?: string;
  /** Early stopping least improvement (default 0). */
  earlyStoppingMinDelta?: number;
  /** Validate every this many epochs. */
  checkValEveryNEpoch?: number;
  /** Seed for the split, initial draws and training (default: the global stream). */
  seed?: number;
  /** Show progress (default true). */
  enableProgressBar?: boolean;
  /** Extra trainer callbacks. */
  callbacks?: Callback[];
  /** Learning rate (passed to the plan). */
  lr?: number;
  /** Options of the training plan (KL warm-up, weight decay, ...). */
  planOptions?: Record<string, unknown>;
}

/** The scvi-tools heuristic for the number of epochs. */
export function defaultMaxEpochs(nCells: number): number {
  return Math.min(Math.round((20000 / nCells) * 400), 400);
}

/** Which cells a post-inference method reads. */
export interface CellSelection {
  /** Data with the model's genes (default: the registered data), set up by transfer if needed. */
  adata?: AnnData;
  /** Positions of the cells (default: all). */
  indices?: ArrayLike<number>;
  /** Cells per minibatch (default 128). */
  batchSize?: number;
}

/** A training-plan class: constructed with the module and the plan options. */
export type TrainingPlanClass = new (module: never, options: Record<string, unknown>) => BaseTrainingPlan;

/** A model class as `load` and the hooks see it. */
export interface ModelClass<T extends BaseModelClass> {
  new (adata: AnnData, options?: Record<string, unknown>): T;
  /** The class' name (saved with the model and checked on `load`). */
  readonly name: string;
  /** The fields of `setupAnndata` for the given setup arguments. */
  setupFields(setupArgs: JsonObject): AnnDataField[];
  /** The data splitter class (hook). */
  dataSplitterClass: typeof DataSplitter;
  /** The train runner class (hook). */
  trainRunnerClass: typeof TrainRunner;
}

const managers = new WeakMap<AnnData, Map<string, AnnDataManager>>();

/**
 * The base of user-facing models. A subclass sets `module` in its constructor, defines
 * `static setupFields(args)` (the fields of its `setupAnndata`), and chooses its training plan
 * with {@link BaseModelClass.trainingPlanClass}; the loop itself is shared.
 */
export abstract class BaseModelClass<M extends Module = Module> {
  /** The data splitter class (class-level hook). */
  static dataSplitterClass: typeof DataSplitter = DataSplitter;
  /** The train runner class (class-level hook). */
  static trainRunnerClass: typeof TrainRunner = TrainRunner;

  /** The registered data. */
  readonly adataManager: AnnDataManager;
  /** The module (plain or Pyro-style). */
  abstract readonly module: M;
  /** This model's own param store (params it creates through `param`), never shared. */
  readonly paramStore = new ParamStore();
  /** Metric → per-epoch values of the last training. */
  history: History = {};
  /** Whether `train` has completed (or a trained model was loaded). */
  isTrained = false;
  /** The constructor options, saved with the model. */
  protected readonly initParams: JsonObject;

  protected constructor(adata: AnnData, initParams: JsonObject) {
    if (getBackend() === undefined) {
      // Weights drawn now would live on whatever backend tfjs happened to start.
      throw new Error(`${new.target.name}: the TensorFlow.js backend is not chosen yet; \`await ready()\` (from "scvi-ts") before building a model`);
    }
    this.adataManager = BaseModelClass.managerFor(adata, this.constructor.name);
    this.initParams = initParams;
  }

  /** The registered AnnData. */
  get adata(): AnnData {
    return this.adataManager.adata!;
  }

  /** The training plan class (hook). */
  protected abstract get trainingPlanClass(): TrainingPlanClass;

  /** A one-paragraph description of the model. */
  get summaryString(): string {
    const stats = Object.entries(this.adataManager.summaryStats)
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    const params = Object.entries(this.initParams)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(", ");
    return `${this.constructor.name} model with ${params}. Data: ${stats}. Training status: ${this.isTrained ? "Trained" : "Not trained"}.`;
  }

  /** The summary string. */
  toString(): string {
    return this.summaryString;
  }

  /**
   * Registers `adata` for model class `className` with `fields` (called by each model's
   * static `setupAnndata`). With `source`, the saved registry is applied (transfer).
   */
  protected static registerManager(
    className: string,
    adata: AnnData,
    fields: AnnDataField[],
    setupArgs: JsonObject,
    source?: Registry,
    extendCategories?: boolean,
  ): AnnDataManager {
    const manager = new AnnDataManager(fields, { modelName: className, setupMethodName: "setupAnndata", setupArgs });
    manager.registerFields(adata, source, source ? { extendCategories: extendCategories ?? false } : {});
    let byClass = managers.get(adata);
    if (!byClass) managers.set(adata, (byClass = new Map()));
    byClass.set(className, manager);
    return manager;
  }

  /** The manager of `adata` for `className`; throws when `setupAnndata` was not called. */
  static managerFor(adata: AnnData, className: string): AnnDataManager {
    const manager = managers.get(adata)?.get(className);
    if (!manager) {
      throw new Error(`${className}: this AnnData is not set up; call ${className}.setupAnndata(adata, { ... }) first`);
    }
    return manager;
  }

  /**
   * The manager of `adata`: the registered one (default), this class's own registration of
   * `adata`, or a transfer of the saved registry onto it (same genes, same category codes).
   */
  protected managerOf(adata: AnnData | undefined): AnnDataManager {
    if (adata === undefined || adata === this.adata) return this.adataManager;
    const own = managers.get(adata)?.get(this.constructor.name);
    return own ?? this.adataManager.transferFields(adata);
  }

  /**
   * Trains the module: builds the splitter, plan and runner from the class hooks, runs the
   * shared trainer, and records the history. Throws `NonFiniteLossError` if a step diverges
   * (the module keeps its last good weights).
   */
  async train(options: TrainOptions = {}): Promise<FitResult> {
    await ready();
    if (options.seed !== undefined) setSeed(options.seed);
    const cls = this.constructor as unknown as ModelClass<this>;
    const splitterOptions: DataSplitterOptions = {
      trainSize: options.trainSize,
      validationSize: options.validationSize,
      shuffleSetSplit: options.shuffleSetSplit,
      batchSize: options.batchSize ?? 128,
      dropLast: options.dropLast,
      seed: options.seed,
    };
    const splitter = new cls.dataSplitterClass(this.adataManager, splitterOptions);
    const planOptions = { ...(options.lr !== undefined ? { lr: options.lr } : {}), ...options.planOptions };
    const plan = new this.trainingPlanClass(this.module as never, planOptions);
    const trainerOptions: TrainerOptions = {
      maxEpochs: options.maxEpochs ?? defaultMaxEpochs(this.adata.nObs),
      checkValEveryNEpoch: options.checkValEveryNEpoch,
      earlyStopping: options.earlyStopping,
      earlyStoppingPatience: options.earlyStoppingPatience,
      earlyStoppingMonitor: options.earlyStoppingMonitor,
      earlyStoppingMinDelta: options.earlyStoppingMinDelta,
      enableProgressBar: options.enableProgressBar,
      callbacks: options.callbacks,
    };
    const runner = new cls.trainRunnerClass(plan, splitter, new Trainer(trainerOptions));
    try {
      const result = withParamStore(this.paramStore, () => runner.run());
      this.history = result.history;
      this.isTrained = true;
      return result;
    } finally {
      this.module.eval();
    }
  }

  /**
   * Saves the model to `dir`: `model.json` (class, init parameters, registry, gene names,
   * version, history) and `weights.bin` (module state and param store), written atomically.
   * An existing `dir` is replaced only with `overwrite` (otherwise this throws and leaves it
   * untouched). `saveAnndata` also writes the data as `adata.h5ad`.
   */
  async save(dir: string, options: { overwrite?: boolean; saveAnndata?: boolean } = {}): Promise<void> {
    const entries: WeightEntry[] = [];
    const chunks: Float32Array[] = [];
    let offset = 0;
    const push = (name: string, shape: number[], data: Float32Array, constraint?: string) => {
      entries.push({ name, shape, offset, ...(constraint ? { constraint } : {}) });
      chunks.push(data);
      offset += data.length;
    };
    for (const [name, { shape, data }] of Object.entries(this.module.stateDict())) push(name, shape, data);
    const storeState = this.paramStore.getState();
    for (const [name, { shape, values }] of Object.entries(storeState.params)) {
      if (name.includes("$$$")) continue; // module weights, saved above
      push(`param:${name}`, shape, Float32Array.from(values), storeState.constraints[name]);
    }
    const weights = new Float32Array(offset);
    chunks.forEach((c, i) => weights.set(c, entries[i]!.offset));
    const file: ModelFile = {
      format: "scvi-ts-model",
      className: this.constructor.name,
      version: SCVI_TS_VERSION,
      initParams: this.initParams,
      registry: this.adataManager.registry,
      varNames: [...this.adata.varNames],
      history: this.history,
      isTrained: this.isTrained,
      weights: entries,
      totalElements: offset,
    };
    await writeModelDir(dir, file, weights, {
      overwrite: options.overwrite,
      fill: options.saveAnndata ? (tmp) => writeH5ad(this.adata, path.join(tmp, ADATA_FILE)) : undefined,
    });
  }

  /**
   * Loads a model saved by {@link BaseModelClass.save}. The data (given, or the saved
   * `adata.h5ad`) must have the saved genes in the saved order (a mismatch throws naming the
   * first differing gene); its setup is re-run from the saved registry (categories mapped to
   * the saved codes).
   */
  static async load<T extends BaseModelClass>(
    this: ModelClass<T>,
    dir: string,
    options: { adata?: AnnData } = {},
  ): Promise<T> {
    await ready();
    const { file, weights } = await readModelDir(dir);
    if (file.className !== this.name) {
      throw new Error(`load: '${dir}' holds a ${file.className} model, not a ${this.name}`);
    }
    let adata = options.adata;
    if (!adata) {
      const saved = path.join(dir, ADATA_FILE);
      if (!existsSync(saved)) throw new Error(`load: pass { adata }: '${dir}' was saved without its AnnData`);
      adata = await readH5ad(saved);
    }
    checkVarNames(file.varNames, adata.varNames, dir);
    const fields = this.setupFields(file.registry.setupArgs ?? {});
    BaseModelClass.registerManager(this.name, adata, fields, file.registry.setupArgs ?? {}, file.registry);
    const model = new this(adata, file.initParams);
    const state: StateDict = {};
    const params: Record<string, { shape: number[]; values: number[] }> = {};
    const constraints: Record<string, string> = {};
    for (const e of file.weights) {
      const size = e.shape.reduce((a, b) => a * b, 1);
      const data = weights.subarray(e.offset, e.offset + size);
      if (e.name.startsWith("param:")) {
        const name = e.name.slice("param:".length);
        params[name] = { shape: e.shape, values: Array.from(data) };
        constraints[name] = e.constraint ?? "real";
        constraintFromName(constraints[name]!);
      } else {
        state[e.name] = { shape: e.shape, data: Float32Array.from(data) };
      }
    }
    model.module.loadStateDict(state);
    model.paramStore.setState({ params, constraints });
    model.history = file.history ?? {};
    model.isTrained = file.isTrained;
    model.module.eval();
    return model;
  }
}

function checkVarNames(saved: readonly string[], given: readonly string[], dir: string): void {
  const n = Math.max(saved.length, given.length);
  for (let i = 0; i < n; i++) {
    if (saved[i] !== given[i]) {
      const what =
        saved[i] === undefined
          ? `the data has an extra gene '${given[i]}' at position ${i}`
          : given[i] === undefined
            ? `the data lacks gene '${saved[i]}' (position ${i})`
            : `gene ${i} is '${given[i]}' in the data but '${saved[i]}' in the model`;
      throw new Error(`load: the genes of the data differ from those of the model in '${dir}': ${what}`);
    }
  }
}
