/**
 * `SCVI`: single-cell variational inference (Lopez et al. 2018) — the user-facing model,
 * on either module path: the PPL `SCVIPyroModule` (default) or the plain `VAE`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";
import { logSumExp } from "../../distributions/special.js";
import { Normal } from "../../distributions/normal.js";
import type { AnnData } from "../data/anndata.js";
import { AnnDataLoader } from "../data/loaders/anndata-loader.js";
import type { AnnDataManager } from "../data/manager/anndata-manager.js";
import { REGISTRY_KEYS, type JsonObject } from "../data/manager/registry.js";
import type { Dispersion } from "../nn/decoder-scvi.js";
import type { TensorDict } from "../module/base/base-module.js";
import { scviInputsFromBatch, type ScviCore, type ScviInputs } from "../module/scvi-core.js";
import type { GeneLikelihood, LatentDistribution } from "../module/scvi-options.js";
import { SCVIPyroModule } from "../module/scvi-pyro.js";
import { VAE, normalKl } from "../module/vae.js";
import { PyroTrainingPlan } from "../train/pyro-training-plan.js";
import { TrainingPlan } from "../train/training-plan.js";
import { BaseModelClass, type CellSelection, type TrainOptions, type TrainingPlanClass } from "./base/base-model.js";
import type { PlainMatrix } from "./base/plain-data.js";
import { catsPerCov, initLibrarySize, scviFields, setupArgsToJson, type ScviSetupArgs } from "./scvi-setup.js";
import { differentialExpression, type DeResult, type DifferentialExpressionOptions } from "./de/index.js";

/** Options of {@link SCVI} (scvi-tools' defaults). */
export interface SCVIOptions {
  /** Hidden units per layer (default 128). */
  nHidden?: number;
  /** Latent dimension (default 10). */
  nLatent?: number;
  /** Hidden layers (default 1). */
  nLayers?: number;
  /** Encoder dropout (default 0.1). */
  dropoutRate?: number;
  /** Dispersion (default `gene`). */
  dispersion?: Dispersion;
  /** Likelihood (default `zinb`). */
  geneLikelihood?: GeneLikelihood;
  /** Latent distribution (default `normal`). */
  latentDistribution?: LatentDistribution;
  /** Observed library size (default true) or a learned one. */
  useObservedLibSize?: boolean;
  /** `pyro` (model and guide functions, default) or `vae` (the plain module). */
  moduleType?: "pyro" | "vae";
}

/** Options of {@link SCVI.getNormalizedExpression}. */
export interface NormalizedExpressionOptions extends CellSelection {
  /** Decode as if cells came from this batch (name or code) or the average over these batches. */
  transformBatch?: string | number | (string | number)[];
  /** Genes to return (default all). */
  geneList?: string[];
  /** Scale of the expression (default 1: proportions), or `latent` for the model's own library. */
  librarySize?: number | "latent";
  /** Posterior samples per cell (default 1). */
  nSamples?: number;
  /** Average over samples (default true); otherwise samples are stacked row-wise per sample. */
  returnMean?: boolean;
}

/**
 * scVI: a VAE for UMI counts with a batch-aware decoder, giving a batch-corrected latent space,
 * normalized expression and differential expression.
 *
 * @example
 * ```ts
 * SCVI.setupAnndata(adata, { batchKey: "batch" });
 * const model = new SCVI(adata, { nLatent: 10 });
 * await model.train({ maxEpochs: 100 });
 * const latent = model.getLatentRepresentation(); // { shape: [nCells, 10], data }
 * ```
 */
export class SCVI extends BaseModelClass<SCVIPyroModule | VAE> {
  readonly module: SCVIPyroModule | VAE;

  /** The fields of {@link SCVI.setupAnndata} for saved setup arguments. */
  static setupFields(args: JsonObject) {
    return scviFields(args);
  }

  /**
   * Registers `adata` for scVI: the counts (X or `layer`), batches, labels, size factors and
   * extra covariates. A missing obs key throws naming it and listing the available ones;
   * negative or NaN counts throw naming the cell and gene.
   */
  static setupAnndata(adata: AnnData, args: ScviSetupArgs = {}): AnnDataManager {
    const setupArgs = setupArgsToJson(args);
    return BaseModelClass.registerManager(this.name, adata, scviFields(setupArgs), setupArgs);
  }

  constructor(adata: AnnData, options: SCVIOptions = {}) {
    const init: JsonObject = {
      nHidden: options.nHidden ?? 128,
      nLatent: options.nLatent ?? 10,
      nLayers: options.nLayers ?? 1,
      dropoutRate: options.dropoutRate ?? 0.1,
      dispersion: options.dispersion ?? "gene",
      geneLikelihood: options.geneLikelihood ?? "zinb",
      latentDistribution: options.latentDistribution ?? "normal",
      useObservedLibSize: options.useObservedLibSize ?? true,
      moduleType: options.moduleType ?? "pyro",
    };
    super(adata, init);
    if (init.moduleType !== "pyro" && init.moduleType !== "vae") {
      throw new Error(`SCVI: moduleType must be "pyro" or "vae", got "${String(init.moduleType)}"`);
    }
    const stats = this.adataManager.summaryStats;
    const nBatch = stats.nBatch ?? 1;
    const library = init.useObservedLibSize ? undefined : initLibrarySize(this.adataManager, nBatch);
    const moduleOptions = {
      nInput: stats.nVars!,
      nBatch,
      nLabels: stats.nLabels ?? 1,
      nHidden: init.nHidden as number,
      nLatent: init.nLatent as number,
      nLayers: init.nLayers as number,
      dropoutRate: init.dropoutRate as number,
      dispersion: init.dispersion as Dispersion,
      geneLikelihood: init.geneLikelihood as GeneLikelihood,
      latentDistribution: init.latentDistribution as LatentDistribution,
      useObservedLibSize: init.useObservedLibSize as boolean,
      libraryLogMeans: library?.means,
      libraryLogVars: library?.vars,
      nCatsPerCov: catsPerCov(this.adataManager),
      nContinuousCov: stats.nExtraContinuousCovs ?? 0,
      useSizeFactorKey: REGISTRY_KEYS.SIZE_FACTOR_KEY in this.adataManager.dataRegistry,
    };
    this.module = init.moduleType === "pyro" ? new SCVIPyroModule(moduleOptions) : new VAE(moduleOptions);
    this.module.eval();
  }

  /** The shared scVI networks of either module path. */
  get core(): ScviCore {
    return this.module.core;
  }

  protected get trainingPlanClass(): TrainingPlanClass {
    return (this.module instanceof SCVIPyroModule ? PyroTrainingPlan : TrainingPlan) as unknown as TrainingPlanClass;
  }

  /**
   * Trains with scvi-tools' defaults: Adam (lr 1e-3, eps 0.01, weight decay 1e-6) on both
   * paths, KL warm-up over 400 epochs, batch size 128, 90/10 split.
   */
  override train(options: TrainOptions = {}) {
    const planOptions = this.module instanceof SCVIPyroModule ? { eps: 0.01, weightDecay: 1e-6, minKlWeight: 0, ...options.planOptions } : options.planOptions;
    return super.train({ ...options, planOptions });
  }

  /**
   * Runs `fn` on each minibatch of the selected cells (in order), in eval mode, inside a tidy
   * scope, and stitches the per-cell rows it returns into one matrix.
   */
  protected mapCells(
    sel: CellSelection,
    nCols: number,
    fn: (tensors: TensorDict) => tf.Tensor,
  ): {
    /** The stitched rows, row-major (`nCols` values per cell). */
    data: Float32Array;
    /** The cells, in row order. */
    rows: Int32Array;
  } {
    const manager = this.managerOf(sel.adata);
    const n = manager.adata!.nObs;
    const indices = sel.indices ? Int32Array.from(sel.indices) : Int32Array.from({ length: n }, (_, i) => i);
    const loader = new AnnDataLoader(manager, { indices, batchSize: sel.batchSize ?? 128, shuffle: false });
    const out = new Float32Array(indices.length * nCols);
    let offset = 0;
    this.module.eval();
    for (const batch of loader) {
      const result = tf.tidy(() => fn(batch));
      out.set(result.dataSync(), offset);
      offset += result.size;
      result.dispose();
    }
    return { data: out, rows: indices };
  }

  private rowNames(sel: CellSelection, rows: Int32Array): string[] {
    const names = this.managerOf(sel.adata).adata!.obsNames;
    return Array.from(rows, (i) => names[i]!);
  }

  /**
   * The latent representation of each cell: the posterior mean of q(z | x) (`giveMean`,
   * default; for the logistic-normal latent, a Monte Carlo mean of the softmax) or one draw.
   */
  getLatentRepresentation(options: CellSelection & { giveMean?: boolean } = {}): PlainMatrix {
    const nLatent = this.core.options.nLatent;
    const giveMean = options.giveMean ?? true;
    const ln = this.core.options.latentDistribution === "ln";
    const { data, rows } = this.mapCells(options, nLatent, (batch) => {
      const enc = this.core.encode(scviInputsFromBatch(batch));
      if (giveMean && !ln) return enc.qzm;
      const nDraws = giveMean ? 500 : 1;
      const eps = tf.randomNormal([nDraws, ...enc.qzm.shape], 0, 1, "float32", nextSeed());
      const z = this.core.transformLatent(tf.add(enc.qzm, tf.mul(tf.sqrt(enc.qzv), eps)));
      return tf.mean(z, 0);
    });
    return { shape: [rows.length, nLatent], data, rowNames: this.rowNames(options, rows) };
  }

  /** Batch codes for `transformBatch` (names or codes), or [undefined] for each cell's own batch. */
  protected batchCodes(transformBatch: NormalizedExpressionOptions["transformBatch"]): (number | undefined)[] {
    if (transformBatch === undefined) return [undefined];
    const mapping = (this.adataManager.getStateRegistry(REGISTRY_KEYS.BATCH_KEY).categoricalMapping ?? []) as (string | number)[];
    const list = Array.isArray(transformBatch) ? transformBatch : [transformBatch];
    return list.map((b) => {
      const code = mapping.findIndex((m) => String(m) === String(b));
      if (code >= 0) return code;
      if (typeof b === "number" && Number.isInteger(b) && b >= 0 && b < mapping.length) return b;
      throw new Error(`transformBatch: '${b}' is not a batch of this model (batches: ${mapping.join(", ")})`);
    });
  }

  /** Column indices of `geneList` (all genes by default); unknown genes throw, naming them. */
  protected geneIndices(geneList: string[] | undefined): number[] {
    const names = this.adata.varNames;
    if (!geneList) return names.map((_, i) => i);
    const lookup = new Map(names.map((g, i) => [g, i]));
    return geneList.map((g) => {
      const i = lookup.get(g);
      if (i === undefined) throw new Error(`geneList: gene '${g}' is not in the model's genes`);
      return i;
    });
  }

  /** Draws `nSamples` latent z (transformed) and libraries for a minibatch. */
  protected posteriorDraws(
    inputs: ScviInputs,
    nSamples: number,
  ): {
    /** Latent draws (transformed), `[nSamples, n, nLatent]`. */
    z: tf.Tensor;
    /** Log library sizes, `[nSamples, n, 1]`. */
    library: tf.Tensor;
  } {
    const enc = this.core.encode(inputs);
    const draw = (m: tf.Tensor, v: tf.Tensor) => tf.add(m, tf.mul(tf.sqrt(v), tf.randomNormal([nSamples, ...m.shape], 0, 1, "float32", nextSeed())));
    const z = this.core.transformLatent(draw(enc.qzm, enc.qzv));
    const library = enc.observedLibrary ? tf.broadcastTo(enc.observedLibrary, [nSamples, ...enc.observedLibrary.shape]) : draw(enc.qlm!, enc.qlv!);
    return { z, library };
  }

  /**
   * Normalized expression: the decoder's expected frequencies per gene (times `librarySize`),
   * averaged over posterior samples and, with several `transformBatch` values, over batches.
   */
  getNormalizedExpression(options: NormalizedExpressionOptions = {}): PlainMatrix {
    const genes = this.geneIndices(options.geneList);
    const codes = this.batchCodes(options.transformBatch);
    const nSamples = options.nSamples ?? 1;
    const returnMean = options.returnMean ?? true;
    const librarySize = options.librarySize ?? 1;
    const geneIdx = tf.tensor1d(genes, "int32");
    try {
      const perCell = returnMean ? genes.length : genes.length * nSamples;
      const { data, rows } = this.mapCells(options, perCell, (batch) => {
        const inputs = scviInputsFromBatch(batch);
        const { z, library } = this.posteriorDraws(inputs, nSamples);
        let sum: tf.Tensor | undefined;
        for (const code of codes) {
          const d = this.core.decode(z, library, inputs, code);
          const value = librarySize === "latent" ? d.pxRate : tf.mul(d.pxScale, librarySize);
          sum = sum ? tf.add(sum, value) : value;
        }
        const avg = tf.gather(tf.div(sum!, codes.length), geneIdx, 2); // [s, n, genes]
        return returnMean ? tf.mean(avg, 0) : tf.transpose(avg, [1, 0, 2]);
      });
      const colNames = genes.map((g) => this.adata.varNames[g]!);
      if (returnMean) return { shape: [rows.length, genes.length], data, rowNames: this.rowNames(options, rows), colNames };
      return { shape: [rows.length * nSamples, genes.length], data, colNames };
    } finally {
      geneIdx.dispose();
    }
  }

  /**
   * Bayesian differential expression between groups of cells, as scvi-tools'
   * `differential_expression`: posterior draws of the normalized expression (library size 1)
   * of each group, compared pairwise. `vanilla` mode (default) gives p(h1 > h2) and its Bayes
   * factor; `change` mode gives p(|log2 fold change| ≥ delta), LFC summaries and calls at a
   * posterior expected FDR of `fdrTarget`. Without `group1`, every group of `groupby` is tested
   * against the rest. Returns one plain record per gene (and comparison), sorted by evidence.
   *
   * @example
   * ```ts
   * const rows = model.differentialExpression({ groupby: "cell_type", group1: "B", mode: "change" });
   * const calls = rows.filter((r) => r["is_de_fdr_0.05"]).map((r) => r.gene);
   * ```
   */
  differentialExpression<O extends DifferentialExpressionOptions>(options: O): DeResult<O>[] {
    return differentialExpression(this, options);
  }

  /** Per-cell [reconstruction loss, local KL] with one posterior draw, klWeight 1. */
  private elboParts(sel: CellSelection): { rec: Float32Array; kl: Float32Array } {
    const { data, rows } = this.mapCells(sel, 2, (batch) => {
      const inputs = scviInputsFromBatch(batch);
      const enc = this.core.encode(inputs);
      const untransformed = tf.add(enc.qzm, tf.mul(tf.sqrt(enc.qzv), tf.randomNormal(enc.qzm.shape, 0, 1, "float32", nextSeed())));
      let library = enc.observedLibrary;
      let kl = tf.sum(normalKl(enc.qzm, enc.qzv, 0, 1), -1);
      if (!library) {
        library = tf.add(enc.qlm!, tf.mul(tf.sqrt(enc.qlv!), tf.randomNormal(enc.qlm!.shape, 0, 1, "float32", nextSeed())));
        const prior = this.core.libraryPrior(inputs.batchIndex);
        kl = tf.add(kl, tf.sum(normalKl(enc.qlm!, enc.qlv!, prior.mean, prior.variance), -1));
      }
      const d = this.core.decode(this.core.transformLatent(untransformed), library, inputs);
      const rec = tf.neg(tf.sum(this.core.likelihood(d).logProb(inputs.x), -1));
      return tf.stack([rec, kl], 1);
    });
    const rec = new Float32Array(rows.length);
    const kl = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      rec[i] = data[2 * i]!;
      kl[i] = data[2 * i + 1]!;
    }
    return { rec, kl };
  }

  /**
   * The ELBO per cell, −(reconstruction loss + KL) at one posterior draw, averaged over the
   * selected cells: the same quantity as the history's `elbo_*` metrics (higher is better), as
   * scvi-tools' `get_elbo` returns it.
   */
  getElbo(options: CellSelection = {}): number {
    const { rec, kl } = this.elboParts(options);
    let s = 0;
    for (let i = 0; i < rec.length; i++) s += rec[i]! + kl[i]!;
    return -s / rec.length;
  }

  /** The mean reconstruction loss per cell, −log p(x | z) at one posterior draw. */
  getReconstructionError(options: CellSelection = {}): number {
    const { rec } = this.elboParts(options);
    return rec.reduce((a, b) => a + b, 0) / rec.length;
  }

  /**
   * The marginal log-likelihood log p(x) per cell, averaged, by importance sampling with
   * `nMcSamples` draws from q(z | x) (a lower bound that tightens as the samples grow).
   */
  getMarginalLL(options: CellSelection & { nMcSamples?: number } = {}): number {
    const s = options.nMcSamples ?? 1000;
    const chunk = Math.min(s, 100);
    const { data, rows } = this.mapCells(options, 1, (batch) => {
      const inputs = scviInputsFromBatch(batch);
      const enc = this.core.encode(inputs);
      const weights: tf.Tensor[] = [];
      for (let done = 0; done < s; done += chunk) {
        const k = Math.min(chunk, s - done);
        const eps = tf.randomNormal([k, ...enc.qzm.shape], 0, 1, "float32", nextSeed());
        const zu = tf.add(enc.qzm, tf.mul(tf.sqrt(enc.qzv), eps));
        const qz = new Normal(enc.qzm, tf.sqrt(enc.qzv), { validateArgs: false });
        let logW = tf.sub(tf.sum(new Normal(0, 1, { validateArgs: false }).logProb(zu), -1), tf.sum(qz.logProb(zu), -1));
        let library = enc.observedLibrary ? tf.broadcastTo(enc.observedLibrary, [k, ...enc.observedLibrary.shape]) : undefined;
        if (!library) {
          const epsL = tf.randomNormal([k, ...enc.qlm!.shape], 0, 1, "float32", nextSeed());
          library = tf.add(enc.qlm!, tf.mul(tf.sqrt(enc.qlv!), epsL));
          const prior = this.core.libraryPrior(inputs.batchIndex);
          const pl = new Normal(prior.mean, tf.sqrt(prior.variance), { validateArgs: false });
          const ql = new Normal(enc.qlm!, tf.sqrt(enc.qlv!), { validateArgs: false });
          logW = tf.add(logW, tf.sum(tf.sub(pl.logProb(library), ql.logProb(library)), -1));
        }
        const d = this.core.decode(this.core.transformLatent(zu), library, inputs);
        weights.push(tf.add(logW, tf.sum(this.core.likelihood(d).logProb(inputs.x), -1)));
      }
      return tf.sub(logSumExp(tf.concat(weights, 0), 0), Math.log(s));
    });
    return data.reduce((a, b) => a + b, 0) / rows.length;
  }

  /** Counts drawn from the posterior predictive, `nSamples` per cell (stacked row-wise per sample). */
  posteriorPredictiveSample(options: CellSelection & { nSamples?: number; geneList?: string[] } = {}): PlainMatrix {
    const genes = this.geneIndices(options.geneList);
    const nSamples = options.nSamples ?? 1;
    const geneIdx = tf.tensor1d(genes, "int32");
    try {
      const { data, rows } = this.mapCells(options, genes.length * nSamples, (batch) => {
        const inputs = scviInputsFromBatch(batch);
        const { z, library } = this.posteriorDraws(inputs, nSamples);
        const counts = this.core.likelihood(this.core.decode(z, library, inputs)).sample();
        return tf.transpose(tf.gather(counts, geneIdx, 2), [1, 0, 2]);
      });
      return { shape: [rows.length * nSamples, genes.length], data, colNames: genes.map((g) => this.adata.varNames[g]!) };
    } finally {
      geneIdx.dispose();
    }
  }
}
