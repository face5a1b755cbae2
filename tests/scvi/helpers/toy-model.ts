/** A toy model class around the factor modules, for framework tests of train/save/load. */
import * as tf from "@tensorflow/tfjs";
import { AnnData } from "../../../src/scvi/data/anndata.js";
import { DataFrame, categoricalColumn } from "../../../src/scvi/data/dataframe.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";
import { LayerField } from "../../../src/scvi/data/fields/layer-field.js";
import { CategoricalObsField } from "../../../src/scvi/data/fields/categorical-obs-field.js";
import type { AnnDataField } from "../../../src/scvi/data/fields/field.js";
import { REGISTRY_KEYS, type JsonObject } from "../../../src/scvi/data/manager/registry.js";
import { BaseModelClass, type TrainingPlanClass } from "../../../src/scvi/model/base/base-model.js";
import { TrainingPlan } from "../../../src/scvi/train/training-plan.js";
import { PyroTrainingPlan } from "../../../src/scvi/train/pyro-training-plan.js";
import { ToyFactorPyro, ToyFactorVAE, factorData } from "./toy-modules.js";

/** Options of {@link ToyFactorModel}. */
export interface ToyFactorModelOptions {
  nLatent?: number;
  moduleType?: "vae" | "pyro";
}

export class ToyFactorModel extends BaseModelClass<ToyFactorVAE | ToyFactorPyro> {
  readonly module: ToyFactorVAE | ToyFactorPyro;

  static setupFields(args: JsonObject): AnnDataField[] {
    return [
      new LayerField(REGISTRY_KEYS.X_KEY, (args.layer as string | null) ?? null, { isCountData: false }),
      new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, (args.batchKey as string | null) ?? null),
    ];
  }

  static setupAnndata(adata: AnnData, args: { layer?: string | null; batchKey?: string | null } = {}): void {
    const setupArgs: JsonObject = { layer: args.layer ?? null, batchKey: args.batchKey ?? null };
    BaseModelClass.registerManager(this.name, adata, this.setupFields(setupArgs), setupArgs);
  }

  constructor(adata: AnnData, options: ToyFactorModelOptions = {}) {
    const init: JsonObject = { nLatent: options.nLatent ?? 2, moduleType: options.moduleType ?? "vae" };
    super(adata, init);
    const nGenes = this.adataManager.summaryStats.nVars!;
    this.module = init.moduleType === "pyro" ? new ToyFactorPyro(nGenes, init.nLatent as number) : new ToyFactorVAE(nGenes, init.nLatent as number);
  }

  protected get trainingPlanClass(): TrainingPlanClass {
    return (this.module instanceof ToyFactorPyro ? PyroTrainingPlan : TrainingPlan) as unknown as TrainingPlanClass;
  }

  /** Posterior means of z for every cell, as plain data. */
  latentMeans(): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor2d((this.adata.X as DenseMatrix).data, [this.adata.nObs, this.adata.nVars]);
      return this.module.encoder.forward(x).qzm;
    }).dataSync() as Float32Array;
  }
}

/** A toy AnnData: factor-model data with gene names and a two-level batch column. */
export function toyAnnData(nCells = 120, nGenes = 8, seed = 0): AnnData {
  const data = factorData(nCells, nGenes, seed);
  const obsNames = Array.from({ length: nCells }, (_, i) => `cell${i}`);
  const varNames = Array.from({ length: nGenes }, (_, i) => `gene${i}`);
  const batch = categoricalColumn(obsNames.map((_, i) => (i % 2 ? "b" : "a")));
  return new AnnData({
    X: new DenseMatrix([nCells, nGenes], data),
    obs: new DataFrame(obsNames, { batch }, "obs"),
    var: new DataFrame(varNames, {}, "var"),
  });
}
