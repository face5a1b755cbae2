/**
 * `ScviCore`: the networks and computations of scVI shared by its two module paths — the
 * plain `VAE` and the PPL `SCVIPyroModule` — so both hold the same weights under the same
 * names and compute the same quantities.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { log1pCounts, sumLastAxis } from "../../backend/heap-ops.js";
import { nextSeed } from "../../backend/random.js";
import type { Distribution } from "../../distributions/distribution.js";
import { NegativeBinomial } from "../../distributions/negative-binomial.js";
import { Poisson } from "../../distributions/poisson.js";
import { ZeroInflatedNegativeBinomial } from "../../distributions/zero-inflated-negative-binomial.js";
import { DecoderSCVI } from "../nn/decoder-scvi.js";
import { Encoder } from "../nn/encoder.js";
import { Module } from "../nn/module.js";
import { resolveScviOptions, type ResolvedScviOptions, type ScviModuleOptions } from "./scvi-options.js";

/** The per-cell inputs of scVI, taken from a minibatch. */
export interface ScviInputs {
  /** Counts, `[n, genes]`. */
  x: tf.Tensor;
  /** Batch codes, `[n, 1]` (zeros when there is no batch). */
  batchIndex: tf.Tensor;
  /** Label codes, `[n, 1]` (for `gene-label` dispersion). */
  y?: tf.Tensor;
  /** Extra categorical covariate codes, `[n, k]`. */
  catCovs?: tf.Tensor;
  /** Continuous covariates, `[n, m]`. */
  contCovs?: tf.Tensor;
  /** Size factors, `[n, 1]` (used as the library when given). */
  sizeFactor?: tf.Tensor;
}

/** What the encoders produce. */
export interface ScviEncoding {
  /** Mean of q(z | x), `[n, nLatent]` (untransformed). */
  qzm: tf.Tensor;
  /** Variance of q(z | x). */
  qzv: tf.Tensor;
  /** Mean of q(l | x) when the library is learned, `[n, 1]`. */
  qlm?: tf.Tensor;
  /** Variance of q(l | x) when the library is learned, `[n, 1]`. */
  qlv?: tf.Tensor;
  /** The observed log library size, `[n, 1]`, when it is observed. */
  observedLibrary?: tf.Tensor;
}

/** What the decoder produces. */
export interface ScviDecoding {
  /** Normalized expression (softmax over genes), `[..., n, genes]`. */
  pxScale: tf.Tensor;
  /** Mean counts, `exp(library) * pxScale`. */
  pxRate: tf.Tensor;
  /** Inverse dispersion θ, broadcastable to `pxRate`. */
  theta: tf.Tensor;
  /** Zero-inflation logits. */
  pxDropout: tf.Tensor;
}

/** log of each cell's total count, `[n, 1]`, for counts `x` of shape `[n, genes]` (the observed library size). */
export function observedLogLibrary(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.log(tf.reshape(x.rank === 2 ? sumLastAxis(x) : tf.sum(x, -1), [...x.shape.slice(0, -1), 1])));
}

/** The networks and parameters of scVI. */
export class ScviCore extends Module {
  /** The options with defaults. */
  readonly options: ResolvedScviOptions;
  /** q(z | x). */
  readonly zEncoder: Encoder;
  /** q(l | x) (present but unused when the library is observed, as in scvi-tools). */
  readonly lEncoder: Encoder;
  /** p(x | z, l). */
  readonly decoder: DecoderSCVI;
  /** Log inverse dispersion: `[genes]` (gene), `[nBatch, genes]` (gene-batch), `[nLabels, genes]` (gene-label). */
  readonly pxR: tf.Variable | undefined;
  private readonly libraryLogMeans: tf.Variable | undefined;
  private readonly libraryLogVars: tf.Variable | undefined;

  constructor(options: ScviModuleOptions) {
    super();
    const o = resolveScviOptions(options);
    this.options = o;
    const catList = [o.nBatch, ...o.nCatsPerCov];
    const encoderInput = o.nInput + (o.encodeCovariates ? o.nContinuousCov : 0);
    const encoderCats = o.encodeCovariates ? catList : [];
    this.zEncoder = this.registerModule(
      "zEncoder",
      new Encoder(encoderInput, o.nLatent, {
        nCat: encoderCats,
        nLayers: o.nLayers,
        nHidden: o.nHidden,
        dropoutRate: o.dropoutRate,
        distribution: o.latentDistribution,
        useBatchNorm: true,
      }),
    );
    this.lEncoder = this.registerModule(
      "lEncoder",
      new Encoder(encoderInput, 1, { nCat: encoderCats, nLayers: 1, nHidden: o.nHidden, dropoutRate: o.dropoutRate, useBatchNorm: true }),
    );
    this.decoder = this.registerModule(
      "decoder",
      new DecoderSCVI(o.nLatent + o.nContinuousCov, o.nInput, {
        nCat: catList,
        nLayers: o.nLayers,
        nHidden: o.nHidden,
        useBatchNorm: true,
        scaleActivation: o.useSizeFactorKey ? "softplus" : "softmax",
      }),
    );
    const rows = o.dispersion === "gene-batch" ? o.nBatch : o.dispersion === "gene-label" ? o.nLabels : 0;
    if (o.dispersion !== "gene-cell") {
      const shape = rows > 0 ? [rows, o.nInput] : [o.nInput];
      this.pxR = this.registerParameter("pxR", tf.randomNormal(shape, 0, 1, "float32", nextSeed()));
    }
    if (!o.useObservedLibSize) {
      this.libraryLogMeans = this.registerBuffer("libraryLogMeans", tf.tensor2d([...o.libraryLogMeans!], [o.libraryLogMeans!.length, 1]));
      this.libraryLogVars = this.registerBuffer("libraryLogVars", tf.tensor2d([...o.libraryLogVars!], [o.libraryLogVars!.length, 1]));
    }
  }

  /** The categorical covariates of the decoder (and encoder): the batch, then each extra one. */
  categorical(inputs: ScviInputs): tf.Tensor[] {
    const extra = inputs.catCovs ? tf.split(inputs.catCovs, inputs.catCovs.shape[1]!, 1) : [];
    return [inputs.batchIndex, ...extra];
  }

  /**
   * Runs the encoders: the parameters of q(z | x) and, when the library is learned, of
   * q(l | x). `log1p` of the counts goes in; no sample is drawn.
   */
  encode(inputs: ScviInputs): ScviEncoding {
    const o = this.options;
    const logX = log1pCounts(inputs.x);
    const encoderInput = o.encodeCovariates && inputs.contCovs ? tf.concat([logX, inputs.contCovs], -1) : logX;
    const cats = o.encodeCovariates ? this.categorical(inputs) : [];
    const noiseZ = tf.zeros([inputs.x.shape[0]!, o.nLatent]);
    const { qm: qzm, qv: qzv } = this.zEncoder.encode(encoderInput, { cat: cats, noise: noiseZ });
    if (o.useObservedLibSize) {
      const observedLibrary = observedLogLibrary(inputs.x);
      return { qzm, qzv, observedLibrary };
    }
    const noiseL = tf.zeros([inputs.x.shape[0]!, 1]);
    const { qm: qlm, qv: qlv } = this.lEncoder.encode(encoderInput, { cat: cats, noise: noiseL });
    return { qzm, qzv, qlm, qlv };
  }

  /** Maps an untransformed latent draw to the decoder's input space (softmax for "ln"). */
  transformLatent(z: tf.Tensor): tf.Tensor {
    return this.options.latentDistribution === "ln" ? tf.softmax(z, -1) : z;
  }

  /** Mean and variance of the log-library prior of each cell's batch, `[n, 1]` each. */
  libraryPrior(batchIndex: tf.Tensor): {
    /** The prior mean of the log library size of each cell's batch, `[n, 1]`. */
    mean: tf.Tensor;
    /** Its prior variance, `[n, 1]`. */
    variance: tf.Tensor;
  } {
    if (!this.libraryLogMeans || !this.libraryLogVars) throw new Error("scVI: the library size is observed; it has no prior");
    const nBatch = this.libraryLogMeans.shape[0]!;
    const oneHot = tf.oneHot(tf.cast(tf.reshape(batchIndex, [-1]), "int32"), nBatch).toFloat();
    return { mean: tf.matMul(oneHot, this.libraryLogMeans), variance: tf.matMul(oneHot, this.libraryLogVars) };
  }

  /**
   * Runs the decoder on latent values `z` (already transformed) and log library `library`,
   * returning the likelihood's parameters. `transformBatch` decodes every cell as if it came
   * from that batch.
   */
  decode(z: tf.Tensor, library: tf.Tensor, inputs: ScviInputs, transformBatch?: number): ScviDecoding {
    const o = this.options;
    let decoderInput = z;
    if (inputs.contCovs) {
      const cont = z.rank === 3 ? tf.broadcastTo(inputs.contCovs, [z.shape[0]!, ...inputs.contCovs.shape]) : inputs.contCovs;
      decoderInput = tf.concat([z, cont], -1);
    }
    const batchIndex = transformBatch === undefined ? inputs.batchIndex : tf.fill(inputs.batchIndex.shape, transformBatch);
    const cats = this.categorical({ ...inputs, batchIndex });
    const sizeFactor = o.useSizeFactorKey && inputs.sizeFactor ? tf.log(inputs.sizeFactor) : library;
    const { pxScale, pxRate, pxDropout, pxR } = this.decoder.forward(o.dispersion, decoderInput, sizeFactor, ...cats);
    return { pxScale, pxRate, pxDropout, theta: tf.exp(this.logTheta(pxR, batchIndex, inputs.y)) };
  }

  private logTheta(cellPxR: tf.Tensor | undefined, batchIndex: tf.Tensor, y: tf.Tensor | undefined): tf.Tensor {
    const o = this.options;
    if (o.dispersion === "gene-cell") return cellPxR!;
    if (o.dispersion === "gene") return this.pxR!;
    const codes = o.dispersion === "gene-batch" ? batchIndex : y;
    if (codes === undefined) throw new Error(`scVI: dispersion "${o.dispersion}" needs label codes in the minibatch`);
    const oneHot = tf.oneHot(tf.cast(tf.reshape(codes, [-1]), "int32"), this.pxR!.shape[0]!).toFloat();
    return tf.matMul(oneHot, this.pxR!);
  }

  /** The count distribution of the decoding (batch shape `[..., n, genes]`), unvalidated. */
  likelihood(d: ScviDecoding): Distribution {
    switch (this.options.geneLikelihood) {
      case "zinb":
        return new ZeroInflatedNegativeBinomial({ mu: d.pxRate, theta: d.theta, ziLogits: d.pxDropout, validateArgs: false });
      case "nb":
        return new NegativeBinomial({ mu: d.pxRate, theta: d.theta, validateArgs: false });
      case "poisson":
        return new Poisson(d.pxRate, { validateArgs: false });
    }
  }
}

/** Reads scVI's inputs from a minibatch keyed by registry keys (scvi-tools' names). */
export function scviInputsFromBatch(tensors: Readonly<Record<string, tf.Tensor>>): ScviInputs {
  const x = tensors.X;
  if (x === undefined) throw new Error("scVI: the minibatch has no 'X'");
  return {
    x,
    batchIndex: tensors.batch ?? tf.zeros([x.shape[0]!, 1]),
    y: tensors.labels,
    catCovs: tensors.extra_categorical_covs,
    contCovs: tensors.extra_continuous_covs,
    sizeFactor: tensors.size_factor,
  };
}
