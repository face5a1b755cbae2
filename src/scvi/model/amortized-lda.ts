/**
 * `AmortizedLDA`: the user-facing topic model (scvi-tools' `AmortizedLDA`), trained by SVI
 * on the Pyro path of the framework.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { tidyScope } from "../../backend/scope.js";
import { Adam } from "../../infer/optim/adam.js";
import { withParamStore } from "../../ppl/param-store.js";
import type { AnnData } from "../data/anndata.js";
import type { AnnDataField } from "../data/fields/field.js";
import { LayerField } from "../data/fields/layer-field.js";
import { AnnDataLoader } from "../data/loaders/anndata-loader.js";
import type { AnnDataManager } from "../data/manager/anndata-manager.js";
import { REGISTRY_KEYS, type JsonObject } from "../data/manager/registry.js";
import { AmortizedLDAPyroModule, type DirichletPrior } from "../module/amortized-lda.js";
import { PyroTrainingPlan } from "../train/pyro-training-plan.js";
import type { FitResult } from "../train/trainer.js";
import { BaseModelClass, type CellSelection, type TrainingPlanClass, type TrainOptions } from "./base/base-model.js";
import type { PlainMatrix } from "./base/plain-data.js";

/** Options of the {@link AmortizedLDA} constructor (scvi-tools' defaults). */
export interface AmortizedLDAOptions {
  /** Number of topics (default 20). */
  nTopics?: number;
  /** Width of the encoder's hidden layer (default 128). */
  nHidden?: number;
  /** Dirichlet prior of the cell-topic proportions: a number or `nTopics` numbers (default 1/nTopics). */
  cellTopicPrior?: DirichletPrior | null;
  /** Dirichlet prior of the topic-feature distributions: a number or one per gene (default 1/nTopics). */
  topicFeaturePrior?: DirichletPrior | null;
}

/** Options of the Monte Carlo posterior summaries. */
export interface PosteriorSummaryOptions {
  /** The posterior mean of the proportions (default true), or one posterior draw. */
  giveMean?: boolean;
  /** Draws of the Monte Carlo mean (default 5000, as scvi-tools). */
  nSamples?: number;
}

/** scvi-tools' epoch heuristic of its Pyro models: `min(round(20000 / nCells × 400), 1000)`. */
export function pyroDefaultMaxEpochs(nCells: number): number {
  return Math.min(Math.round((20000 / nCells) * 400), 1000);
}

function topicNames(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `topic_${i}`);
}

/**
 * Amortized latent Dirichlet allocation (Blei et al. 2003) for count data: each cell is a
 * mixture of `nTopics` topics, each topic a distribution over genes; cell-topic proportions
 * are inferred by an encoder network, topics by global variational parameters.
 *
 * @example
 * ```ts
 * AmortizedLDA.setupAnndata(adata);
 * const model = new AmortizedLDA(adata, { nTopics: 10 });
 * await model.train({ maxEpochs: 100 });
 * const topics = model.getFeatureByTopic();        // genes × topics, columns sum to 1
 * const props = model.getLatentRepresentation();   // cells × topics, rows sum to 1
 * model.getPerplexity();
 * ```
 */
export class AmortizedLDA extends BaseModelClass<AmortizedLDAPyroModule> {
  /** The model and guide. */
  readonly module: AmortizedLDAPyroModule;

  /** The fields of {@link AmortizedLDA.setupAnndata}: the counts (`X` or a layer). */
  static setupFields(args: JsonObject): AnnDataField[] {
    return [new LayerField(REGISTRY_KEYS.X_KEY, (args.layer as string | null | undefined) ?? null, { isCountData: true })];
  }

  /** Registers `adata` for this model: the counts are `X`, or `adata.layers[layer]`. */
  static setupAnndata(adata: AnnData, args: { layer?: string | null } = {}): void {
    const setupArgs: JsonObject = { layer: args.layer ?? null };
    BaseModelClass.registerManager(this.name, adata, this.setupFields(setupArgs), setupArgs);
  }

  constructor(adata: AnnData, options: AmortizedLDAOptions = {}) {
    const init: JsonObject = {
      nTopics: options.nTopics ?? 20,
      nHidden: options.nHidden ?? 128,
      cellTopicPrior: options.cellTopicPrior === undefined || options.cellTopicPrior === null ? null : (options.cellTopicPrior as number | number[]),
      topicFeaturePrior:
        options.topicFeaturePrior === undefined || options.topicFeaturePrior === null ? null : (options.topicFeaturePrior as number | number[]),
    };
    super(adata, init);
    this.module = new AmortizedLDAPyroModule({
      nInput: this.adataManager.summaryStats.nVars!,
      nTopics: init.nTopics as number,
      nHidden: init.nHidden as number,
      cellTopicPrior: init.cellTopicPrior as DirichletPrior | null,
      topicFeaturePrior: init.topicFeaturePrior as DirichletPrior | null,
    });
    this.module.eval();
  }

  protected get trainingPlanClass(): TrainingPlanClass {
    return PyroTrainingPlan as unknown as TrainingPlanClass;
  }

  /**
   * Trains by SVI with scvi-tools' settings for this model: Adam (lr 1e-3, or `lr`), KL
   * warm-up over 400 epochs, and at most `min(round(20000 / nCells × 400), 1000)` epochs.
   */
  override train(options: TrainOptions = {}): Promise<FitResult> {
    const planOptions: Record<string, unknown> = { ...options.planOptions };
    if (planOptions.optim === undefined) planOptions.optim = new Adam({ lr: options.lr ?? 1e-3 });
    return super.train({ ...options, maxEpochs: options.maxEpochs ?? pyroDefaultMaxEpochs(this.adata.nObs), planOptions });
  }

  /**
   * Each topic's distribution over genes, as a genes × topics matrix whose columns sum to 1:
   * the posterior mean (Monte Carlo, `nSamples` draws) or one posterior draw.
   */
  getFeatureByTopic(options: PosteriorSummaryOptions = {}): PlainMatrix {
    this.requireTrained();
    const k = this.module.nTopics;
    const g = this.module.nInput;
    const topicByFeature = withParamStore(this.paramStore, () => {
      const t = this.module.topicByFeature(options);
      const data = t.dataSync() as Float32Array;
      t.dispose();
      return data;
    });
    const data = new Float32Array(g * k);
    for (let t = 0; t < k; t++) for (let j = 0; j < g; j++) data[j * k + t] = topicByFeature[t * g + j]!;
    return { shape: [g, k], data, rowNames: [...this.adata.varNames], colNames: topicNames(k) };
  }

  /**
   * Each cell's topic proportions, as a cells × topics matrix whose rows sum to 1: the
   * posterior mean (Monte Carlo, `nSamples` draws) or one posterior draw.
   */
  getLatentRepresentation(options: CellSelection & PosteriorSummaryOptions = {}): PlainMatrix {
    this.requireTrained();
    const k = this.module.nTopics;
    const { loader, manager } = this.loaderFor(options);
    const data = new Float32Array(loader.indices.length * k);
    let offset = 0;
    this.module.eval();
    withParamStore(this.paramStore, () => {
      for (const batch of loader) {
        const t = this.module.topicDistribution(batch[REGISTRY_KEYS.X_KEY]!, options);
        data.set(t.dataSync(), offset);
        offset += t.size;
        t.dispose();
      }
    });
    const names = manager.adata!.obsNames;
    return { shape: [loader.indices.length, k], data, rowNames: Array.from(loader.indices, (i) => names[i]!), colNames: topicNames(k) };
  }

  /**
   * The evidence lower bound of the selected cells (higher is better): per minibatch a
   * one-draw estimate of the ELBO of all selected cells (the minibatch's cell terms scaled to
   * their number, the topic terms once), averaged with weights proportional to the minibatch
   * sizes — so it is the sum of the cells' terms plus the topic terms, as in scvi-tools'
   * `get_elbo` (which returns the mean of these estimates with the sign of a loss, though its
   * documentation promises the ELBO).
   */
  getElbo(options: CellSelection = {}): number {
    return this.elboAndCounts(options).elbo;
  }

  /**
   * The perplexity `exp(−ELBO / total counts)`: the exponentiated negative log-likelihood per
   * count, bounded by the ELBO (lower is better). scvi-tools' `get_perplexity` computes
   * `exp(−get_elbo / counts)` from a `get_elbo` that is a loss, i.e. the reciprocal of this.
   */
  getPerplexity(options: CellSelection = {}): number {
    const { elbo, counts } = this.elboAndCounts(options);
    return Math.exp(-elbo / counts);
  }

  private elboAndCounts(sel: CellSelection): { elbo: number; counts: number } {
    this.requireTrained();
    const { loader } = this.loaderFor(sel);
    const nCells = loader.indices.length;
    let elbo = 0;
    let counts = 0;
    this.module.eval();
    withParamStore(this.paramStore, () => {
      for (const batch of loader) {
        const x = batch[REGISTRY_KEYS.X_KEY]!;
        elbo += (x.shape[0]! / nCells) * tidyScope(() => this.module.elbo(x, nCells));
        counts += tidyScope(() => tf.sum(x).dataSync()[0]!);
      }
    });
    return { elbo, counts };
  }

  private loaderFor(sel: CellSelection): { loader: AnnDataLoader; manager: AnnDataManager } {
    const manager = this.managerOf(sel.adata);
    const nVars = manager.summaryStats.nVars;
    if (nVars !== this.module.nInput) throw new Error(`AmortizedLDA: the data have ${nVars} genes, the model ${this.module.nInput}`);
    const loader = new AnnDataLoader(manager, {
      indices: sel.indices === undefined ? undefined : Int32Array.from(sel.indices),
      batchSize: sel.batchSize ?? 128,
      shuffle: false,
      keys: [REGISTRY_KEYS.X_KEY],
    });
    if (loader.indices.length === 0) throw new Error("AmortizedLDA: no cells selected");
    return { loader, manager };
  }

  private requireTrained(): void {
    if (!this.isTrained) throw new Error("AmortizedLDA: the model is not trained yet; call train() first (or load a trained model)");
  }
}
