/**
 * `Encoder`: scvi-tools' encoder of data into a diagonal-normal latent space.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";
import { Normal } from "../../distributions/normal.js";
import { FCLayers, type FCLayersOptions } from "./fclayers.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** Options of {@link Encoder} (scvi-tools' defaults). */
export interface EncoderOptions {
  /** Category counts of the categorical covariates (default none). */
  nCat?: readonly number[];
  /** Number of hidden layers (default 1). */
  nLayers?: number;
  /** Width of the hidden layers (default 128). */
  nHidden?: number;
  /** Dropout probability in the hidden layers (default 0.1). */
  dropoutRate?: number;
  /** `"normal"` (default): the latent is the normal sample; `"ln"`: its softmax (logistic normal). */
  distribution?: "normal" | "ln";
  /** Added to the variance for numerical stability (default 1e-4). */
  varEps?: number;
  /** Maps the variance head's output to a positive variance (default `tf.exp`). */
  varActivation?: (x: tf.Tensor) => tf.Tensor;
  /** Also return q(z | x) as a {@link Normal} (`qz` in the output; scvi-tools' `return_dist`). Default false. */
  returnDist?: boolean;
  /** Further `FCLayers` settings (default BatchNorm, ReLU, biases, covariates in every layer). */
  useBatchNorm?: boolean;
  /** LayerNorm in the hidden layers (default false). */
  useLayerNorm?: boolean;
  /** ReLU in the hidden layers (default true). */
  useActivation?: boolean;
  /** Biases in the hidden layers (default true). */
  bias?: boolean;
  /** Covariates into every hidden layer (default true) or the first only. */
  injectCovariates?: boolean;
  /** The input is mostly zeros, as count data (default true): see {@link FCLayersOptions.sparseInput}. */
  sparseInput?: boolean;
}

/** What {@link Encoder} returns. */
export interface EncoderOutput {
  /** The mean of q(z | x), `[..., nOutput]`. */
  qm: tf.Tensor;
  /** The variance of q(z | x): `varActivation(·) + varEps`, `[..., nOutput]`. */
  qv: tf.Tensor;
  /** A reparameterised sample `qm + √qv · ε` (its softmax for `"ln"`), `[..., nOutput]`. */
  latent: tf.Tensor;
  /** q(z | x) = Normal(qm, √qv), when the encoder was built with `returnDist`. */
  qz?: Normal;
}

/** Arguments of {@link Encoder.encode}. */
export interface EncodeArgs {
  /** Categorical covariates, one per entry of `nCat` (`[n, 1]` codes or `[n, k]` one-hot). */
  cat?: readonly tf.Tensor[];
  /**
   * Standard-normal noise ε of the latent's shape. When omitted it is drawn with a seed from
   * the global stream. Passing it lets two code paths be compared on the same draw.
   */
  noise?: tf.Tensor;
}

/**
 * Encodes `nInput`-dimensional data into an `nOutput`-dimensional latent space
 * (scvi-tools' `Encoder`): an {@link FCLayers} network to `nHidden` features, then two linear
 * heads for the mean and the variance of a diagonal normal q(z | x), and a reparameterised
 * sample of it.
 *
 * Children: `encoder` (the FCLayers), `meanEncoder`, `varEncoder`; parameter names such as
 * `encoder.fcLayers.layer0.linear.weight` mirror scvi-tools' `encoder.fc_layers.Layer 0.0.weight`.
 *
 * @example
 * ```ts
 * setSeed(0);
 * const enc = new Encoder(2000, 10);
 * const { qm, qv, latent } = enc.forward(tf.log1p(counts)); // counts: [n, 2000]
 * ```
 */
export class Encoder extends Module {
  /** The hidden layers. */
  readonly encoder: FCLayers;
  /** The head of the mean. */
  readonly meanEncoder: Linear;
  /** The head of the variance (before `varActivation`). */
  readonly varEncoder: Linear;
  /** The latent distribution's kind. */
  readonly distribution: "normal" | "ln";
  /** The variance offset. */
  readonly varEps: number;
  /** Whether the output includes q(z | x) as a distribution. */
  readonly returnDist: boolean;
  private readonly varActivation: (x: tf.Tensor) => tf.Tensor;

  /**
   * @param nInput the data dimension
   * @param nOutput the latent dimension
   */
  constructor(
    readonly nInput: number,
    readonly nOutput: number,
    options: EncoderOptions = {},
  ) {
    super();
    const nHidden = options.nHidden ?? 128;
    this.distribution = options.distribution ?? "normal";
    if (this.distribution !== "normal" && this.distribution !== "ln") {
      throw new Error(`Encoder: distribution must be "normal" or "ln", got "${String(this.distribution)}"`);
    }
    this.varEps = options.varEps ?? 1e-4;
    this.varActivation = options.varActivation ?? tf.exp;
    this.returnDist = options.returnDist ?? false;
    this.encoder = this.registerModule(
      "encoder",
      new FCLayers(nInput, nHidden, {
        nCat: options.nCat ?? [],
        nLayers: options.nLayers ?? 1,
        nHidden,
        dropoutRate: options.dropoutRate ?? 0.1,
        useBatchNorm: options.useBatchNorm ?? true,
        useLayerNorm: options.useLayerNorm ?? false,
        useActivation: options.useActivation ?? true,
        bias: options.bias ?? true,
        injectCovariates: options.injectCovariates ?? true,
        sparseInput: options.sparseInput ?? true,
      }),
    );
    this.meanEncoder = this.registerModule("meanEncoder", new Linear(nHidden, nOutput));
    this.varEncoder = this.registerModule("varEncoder", new Linear(nHidden, nOutput));
  }

  /** Encodes `x` (`[n, nInput]` or `[s, n, nInput]`) with covariates `cat`, drawing fresh noise. */
  forward(x: tf.Tensor, ...cat: tf.Tensor[]): EncoderOutput {
    return this.encode(x, { cat });
  }

  /** Encodes `x` with covariates and, optionally, given noise ε. */
  encode(x: tf.Tensor, args: EncodeArgs = {}): EncoderOutput {
    const { qm, qv, latent, scale } = tf.tidy(() => {
      const q = this.encoder.forward(x, ...(args.cat ?? []));
      const qm = this.meanEncoder.forward(q);
      const qv = tf.add(this.varActivation(this.varEncoder.forward(q)), this.varEps);
      let eps = args.noise;
      if (eps === undefined) {
        eps = tf.randomNormal(qm.shape, 0, 1, "float32", nextSeed());
      } else if (!tf.util.arraysEqual(eps.shape, qm.shape)) {
        throw new Error(`Encoder: noise has shape [${eps.shape.join(", ")}], expected [${qm.shape.join(", ")}]`);
      }
      const scale = tf.sqrt(qv);
      const z = tf.add(qm, tf.mul(scale, eps));
      const latent = this.distribution === "ln" ? tf.softmax(z, -1) : z;
      return { qm, qv, latent, scale };
    });
    if (!this.returnDist) {
      scale.dispose();
      return { qm, qv, latent };
    }
    return { qm, qv, latent, qz: new Normal(qm, scale, { validateArgs: false }) };
  }
}
