/**
 * `AmortizedLDAPyroModule`: latent Dirichlet allocation (Blei et al. 2003) on counts, written
 * as PPL model and guide functions and fitted by amortised SVI (scvi-tools'
 * `AmortizedLDAPyroModule`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as constraints from "../../distributions/constraints.js";
import { Normal } from "../../distributions/normal.js";
import { TraceELBO } from "../../infer/elbo/trace-elbo.js";
import { module as registerModule, param, plate, sample } from "../../ppl/index.js";
import { Encoder } from "../nn/encoder.js";
import { BagOfWords, topicMixtureLogProbs } from "./bag-of-words.js";
import type { TensorDict } from "./base/base-module.js";
import { PyroBaseModuleClass } from "./base/pyro-base-module.js";
import { logisticNormalApproximation, logisticNormalMean } from "./logistic-normal.js";
import { REGISTRY_KEYS } from "../data/manager/registry.js";

/** A Dirichlet concentration: one value for every category, or one per category. */
export type DirichletPrior = number | readonly number[];

/** Options of {@link AmortizedLDAPyroModule}. */
export interface AmortizedLDAModuleOptions {
  /** Number of features (genes), G ≥ 2. */
  nInput: number;
  /** Number of topics, K ≥ 2 (default 20). */
  nTopics?: number;
  /** Width of the encoder's hidden layer (default 128). */
  nHidden?: number;
  /** Dirichlet prior of each cell's topic proportions: a number or K numbers (default 1/K). */
  cellTopicPrior?: DirichletPrior | null;
  /** Dirichlet prior of each topic's feature distribution: a number or G numbers (default 1/K). */
  topicFeaturePrior?: DirichletPrior | null;
}

/**
 * The arguments of the model and guide: counts `[n, G]` and the cell plate's full size
 * (default: the module's `nObs`, else `n`). The library sizes are summed inside the model, so
 * that `getFnArgsFromBatch` creates no tensor.
 */
export type AmortizedLDAArgs = [x: tf.Tensor, nObs?: number];

/** The sample sites' and params' names. */
export const AMORTIZED_LDA_SITES = {
  /** Topic-feature logits, `[K, G]` (global). */
  topicFeature: "logTopicFeatureDist",
  /** Cell-topic logits, `[n, K]` (in the cell plate). */
  cellTopic: "logCellTopicDist",
  /** The observed counts. */
  counts: "featureCounts",
  /** The variational mean of the topic-feature logits. */
  topicFeatureMu: "topicFeaturePosteriorMu",
  /** The variational standard deviation of the topic-feature logits (positive). */
  topicFeatureSigma: "topicFeaturePosteriorSigma",
} as const;

/** A logistic normal's parameters in float32, ready for tensors. */
interface LogisticNormal32 {
  mu: Float32Array;
  sigma: Float32Array;
}

function approximate(alpha: readonly number[]): LogisticNormal32 {
  const { mu, sigma } = logisticNormalApproximation(alpha);
  return { mu: Float32Array.from(mu), sigma: Float32Array.from(sigma) };
}

function expandPrior(prior: DirichletPrior | null | undefined, length: number, fallback: number, what: string): number[] {
  if (prior === null || prior === undefined) return new Array<number>(length).fill(fallback);
  if (typeof prior === "number") return new Array<number>(length).fill(prior);
  if (prior.length !== length) throw new Error(`AmortizedLDA: ${what} has ${prior.length} values; it must be a number or ${length} numbers`);
  return [...prior];
}

/**
 * LDA as a generative program. Topic-feature logits β_k ~ Normal(μ_β, σ_β) per topic (global,
 * in a `topics` plate); in the `cells` plate (full size `nObs`, subsampled to the minibatch),
 * cell-topic logits θ_i ~ Normal(μ_θ, σ_θ) and counts x_i ~ BagOfWords(library_i,
 * softmax(θ_i) · softmax(β)). The normals are the logistic-normal (Laplace) approximations of
 * the Dirichlet priors. The guide has global variational parameters for β (params
 * `topicFeaturePosteriorMu` and the positive `topicFeaturePosteriorSigma`, created in the
 * current param store) and an amortised encoder q(θ_i | x_i) = Normal(μ(x_i), σ(x_i)) fed with
 * `log1p` counts.
 *
 * Where this differs from scvi-tools: the encoder sees `log1p(x)` (scvi-tools feeds raw
 * counts), the guide's scale is the encoder's standard deviation (scvi-tools passes its
 * variance as the scale, and a softplus of the log-variance in `get_topic_distribution`), and
 * the likelihood's total count is each cell's library (scvi-tools uses the batch maximum; the
 * log-mass is the same).
 */
export class AmortizedLDAPyroModule extends PyroBaseModuleClass<AmortizedLDAArgs> {
  /** Number of features G. */
  readonly nInput: number;
  /** Number of topics K. */
  readonly nTopics: number;
  /** Width of the encoder's hidden layer. */
  readonly nHidden: number;
  /** The Dirichlet concentrations of the cell-topic prior, `[K]`. */
  readonly cellTopicPrior: readonly number[];
  /** The Dirichlet concentrations of the topic-feature prior, `[G]`. */
  readonly topicFeaturePrior: readonly number[];
  /** The encoder of q(θ | x). */
  readonly encoder: Encoder;
  private readonly cellTopicPriorLN: LogisticNormal32;
  private readonly topicFeaturePriorLN: LogisticNormal32;
  private readonly topicFeatureInit: LogisticNormal32;

  constructor(options: AmortizedLDAModuleOptions) {
    super();
    this.obsPlateName = "cells";
    this.nInput = options.nInput;
    this.nTopics = options.nTopics ?? 20;
    this.nHidden = options.nHidden ?? 128;
    if (!Number.isInteger(this.nTopics) || this.nTopics < 2) throw new Error(`AmortizedLDA: nTopics must be an integer ≥ 2, got ${this.nTopics}`);
    if (!Number.isInteger(this.nInput) || this.nInput < 2) throw new Error(`AmortizedLDA: needs at least 2 features, got ${this.nInput}`);
    this.cellTopicPrior = expandPrior(options.cellTopicPrior, this.nTopics, 1 / this.nTopics, "cellTopicPrior");
    this.topicFeaturePrior = expandPrior(options.topicFeaturePrior, this.nInput, 1 / this.nTopics, "topicFeaturePrior");
    this.cellTopicPriorLN = approximate(this.cellTopicPrior);
    this.topicFeaturePriorLN = approximate(this.topicFeaturePrior);
    this.topicFeatureInit = approximate(new Array<number>(this.nInput).fill(1));
    this.encoder = this.registerModule("encoder", new Encoder(this.nInput, this.nTopics, { nHidden: this.nHidden, distribution: "ln" }));
  }

  /** The counts of a minibatch. */
  getFnArgsFromBatch(tensors: TensorDict): AmortizedLDAArgs {
    const x = tensors[REGISTRY_KEYS.X_KEY];
    if (!x) throw new Error(`AmortizedLDAPyroModule: the minibatch has no '${REGISTRY_KEYS.X_KEY}'`);
    return [x];
  }

  /** The generative model (see the class comment). */
  model(x: tf.Tensor, nObs?: number): void {
    const n = x.shape[0]!;
    const tfp = this.topicFeaturePriorLN;
    const topicFeature = plate("topics", this.nTopics, () =>
      sample(AMORTIZED_LDA_SITES.topicFeature, new Normal(tf.tensor1d(tfp.mu, "float32"), tf.tensor1d(tfp.sigma, "float32"), { validateArgs: false }).toEvent(1)),
    );
    const ct = this.cellTopicPriorLN;
    plate(
      "cells",
      nObs ?? this.nObs ?? n,
      () => {
        const loc = tf.broadcastTo(tf.tensor1d(ct.mu, "float32"), [n, this.nTopics]);
        const scale = tf.broadcastTo(tf.tensor1d(ct.sigma, "float32"), [n, this.nTopics]);
        const cellTopic = sample(AMORTIZED_LDA_SITES.cellTopic, new Normal(loc, scale, { validateArgs: false }).toEvent(1));
        const logProbs = topicMixtureLogProbs(cellTopic, topicFeature);
        sample(AMORTIZED_LDA_SITES.counts, new BagOfWords(tf.sum(x, -1), logProbs, { validateArgs: false, normalized: true }), { obs: x });
      },
      { subsampleSize: n },
    );
  }

  /** The variational distribution (see the class comment). */
  guide(x: tf.Tensor, nObs?: number): void {
    registerModule("amortizedLda", this);
    const n = x.shape[0]!;
    const { mu, sigma } = this.topicFeaturePosterior();
    plate("topics", this.nTopics, () => {
      sample(AMORTIZED_LDA_SITES.topicFeature, new Normal(mu, sigma, { validateArgs: false }).toEvent(1));
    });
    plate(
      "cells",
      nObs ?? this.nObs ?? n,
      () => {
        const { qm, qs } = this.encodeCellTopic(x);
        sample(AMORTIZED_LDA_SITES.cellTopic, new Normal(qm, qs, { validateArgs: false }).toEvent(1));
      },
      { subsampleSize: n },
    );
  }

  /**
   * The variational mean and standard deviation of the topic-feature logits, `[K, G]` each,
   * from the current param store (created there, at the logistic-normal approximation of a
   * flat Dirichlet, on first use).
   */
  topicFeaturePosterior(): {
    /** The variational mean of the topic-feature logits, `[K, G]`. */
    mu: tf.Tensor;
    /** Their variational standard deviation (positive), `[K, G]`. */
    sigma: tf.Tensor;
  } {
    const k = this.nTopics;
    const init = this.topicFeatureInit;
    const mu = param(AMORTIZED_LDA_SITES.topicFeatureMu, () => tf.tile(tf.tensor2d(init.mu, [1, this.nInput], "float32"), [k, 1]));
    const sigma = param(AMORTIZED_LDA_SITES.topicFeatureSigma, () => tf.tile(tf.tensor2d(init.sigma, [1, this.nInput], "float32"), [k, 1]), {
      constraint: constraints.positive,
    });
    return { mu, sigma };
  }

  /** The encoder's q(θ | x): mean and standard deviation of the cell-topic logits, `[n, K]`. */
  encodeCellTopic(x: tf.Tensor): {
    /** The mean of the cell-topic logits under q(θ | x), `[n, K]`. */
    qm: tf.Tensor;
    /** Their standard deviation (positive), `[n, K]`. */
    qs: tf.Tensor;
  } {
    return tf.tidy(() => {
      const n = x.shape[0]!;
      // The encoder's own reparameterised draw is not used: give it zero noise instead of spending a seed.
      const { qm, qv } = this.encoder.encode(tf.log1p(x), { noise: tf.zeros([n, this.nTopics]) });
      return { qm, qs: tf.sqrt(qv) };
    });
  }

  /**
   * Each topic's distribution over features, `[K, G]` (rows sum to 1): the posterior mean
   * E_q[softmax(β_k)] by Monte Carlo over `nSamples` draws (`giveMean`), or one draw from q.
   * Reads the current param store.
   */
  topicByFeature(options: { giveMean?: boolean; nSamples?: number } = {}): tf.Tensor {
    return tf.tidy(() => {
      const { mu, sigma } = this.topicFeaturePosterior();
      if (options.giveMean === false) return tf.softmax(new Normal(mu, sigma, { validateArgs: false }).sample(), -1);
      return logisticNormalMean(mu, sigma, options.nSamples ?? 5000);
    });
  }

  /**
   * Each cell's topic proportions, `[n, K]` (rows sum to 1): E_q[softmax(θ_i)] by Monte Carlo
   * (`giveMean`), or one draw. Call with the module in eval mode.
   */
  topicDistribution(x: tf.Tensor, options: { giveMean?: boolean; nSamples?: number } = {}): tf.Tensor {
    return tf.tidy(() => {
      const { qm, qs } = this.encodeCellTopic(x);
      if (options.giveMean === false) return tf.softmax(new Normal(qm, qs, { validateArgs: false }).sample(), -1);
      return logisticNormalMean(qm, qs, options.nSamples ?? 5000);
    });
  }

  /**
   * A one-draw estimate of the ELBO (higher is better) of a minibatch, with the cell plate's
   * full size `nObs` (the estimate is of the ELBO of `nObs` cells like these, global terms
   * counted once). Reads the current param store.
   */
  elbo(x: tf.Tensor, nObs: number): number {
    const loss = new TraceELBO().loss(
      (...a: AmortizedLDAArgs) => this.model(...a),
      (...a: AmortizedLDAArgs) => this.guide(...a),
      x,
      nObs,
    );
    return -loss;
  }
}
