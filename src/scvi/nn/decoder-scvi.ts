/**
 * `DecoderSCVI`: scvi-tools' decoder from the latent space to the parameters of the
 * (zero-inflated) negative binomial of scVI.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { softmaxLastAxis } from "../../backend/heap-ops.js";
import { softplus } from "../../distributions/special.js";
import { FCLayers } from "./fclayers.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";

/** How scVI's dispersion varies; only `"gene-cell"` makes the decoder output it. */
export type Dispersion = "gene" | "gene-batch" | "gene-label" | "gene-cell";

/** Options of {@link DecoderSCVI} (scvi-tools' defaults). */
export interface DecoderSCVIOptions {
  /** Category counts of the categorical covariates (default none). */
  nCat?: readonly number[];
  /** Number of hidden layers (default 1). */
  nLayers?: number;
  /** Width of the hidden layers (default 128). */
  nHidden?: number;
  /** Covariates into every hidden layer (default true) or the first only. */
  injectCovariates?: boolean;
  /** BatchNorm1d in the hidden layers (default false, as scvi-tools' class; its VAE passes true). */
  useBatchNorm?: boolean;
  /** LayerNorm in the hidden layers (default false). */
  useLayerNorm?: boolean;
  /** `"softmax"` (default): expression proportions summing to 1 per cell; `"softplus"`: unnormalised. */
  scaleActivation?: "softmax" | "softplus";
}

/** What {@link DecoderSCVI.forward} returns. */
export interface DecoderSCVIOutput {
  /** Normalised expression (softmax or softplus of the scale head), `[..., nOutput]`. */
  pxScale: tf.Tensor;
  /** Log dispersion per gene and cell (`"gene-cell"` only, else undefined), `[..., nOutput]`. */
  pxR: tf.Tensor | undefined;
  /** The mean `exp(library) · pxScale`, `[..., nOutput]`. */
  pxRate: tf.Tensor;
  /** Zero-inflation logits, `[..., nOutput]`. */
  pxDropout: tf.Tensor;
}

/**
 * Decodes an `nInput`-dimensional latent into scVI's likelihood parameters for `nOutput`
 * genes (scvi-tools' `DecoderSCVI`): an {@link FCLayers} network without dropout, then linear
 * heads for the expression scale (with softmax or softplus), the gene-cell dispersion and the
 * zero-inflation logits.
 *
 * Children: `pxDecoder` (the FCLayers), `pxScaleDecoder`, `pxRDecoder`, `pxDropoutDecoder`.
 * The `pxRDecoder` head exists (as in scvi-tools) whatever the dispersion, but only
 * `"gene-cell"` uses it.
 *
 * @example
 * ```ts
 * const dec = new DecoderSCVI(10, 2000, { useBatchNorm: true });
 * const { pxRate, pxDropout } = dec.forward("gene", z, library); // z: [n, 10], library: [n, 1]
 * ```
 */
export class DecoderSCVI extends Module {
  /** The hidden layers. */
  readonly pxDecoder: FCLayers;
  /** The head of the expression scale. */
  readonly pxScaleDecoder: Linear;
  /** The head of the gene-cell dispersion. */
  readonly pxRDecoder: Linear;
  /** The head of the zero-inflation logits. */
  readonly pxDropoutDecoder: Linear;
  /** The activation of the scale head. */
  readonly scaleActivation: "softmax" | "softplus";

  /**
   * @param nInput the latent dimension
   * @param nOutput the number of genes
   */
  constructor(
    readonly nInput: number,
    readonly nOutput: number,
    options: DecoderSCVIOptions = {},
  ) {
    super();
    const nHidden = options.nHidden ?? 128;
    this.scaleActivation = options.scaleActivation ?? "softmax";
    if (this.scaleActivation !== "softmax" && this.scaleActivation !== "softplus") {
      throw new Error(`DecoderSCVI: scaleActivation must be "softmax" or "softplus", got "${String(this.scaleActivation)}"`);
    }
    this.pxDecoder = this.registerModule(
      "pxDecoder",
      new FCLayers(nInput, nHidden, {
        nCat: options.nCat ?? [],
        nLayers: options.nLayers ?? 1,
        nHidden,
        dropoutRate: 0,
        injectCovariates: options.injectCovariates ?? true,
        useBatchNorm: options.useBatchNorm ?? false,
        useLayerNorm: options.useLayerNorm ?? false,
      }),
    );
    this.pxScaleDecoder = this.registerModule("pxScaleDecoder", new Linear(nHidden, nOutput));
    this.pxRDecoder = this.registerModule("pxRDecoder", new Linear(nHidden, nOutput));
    this.pxDropoutDecoder = this.registerModule("pxDropoutDecoder", new Linear(nHidden, nOutput));
  }

  /**
   * Decodes `z` (`[n, nInput]` or `[s, n, nInput]`) given the log library size `library`
   * (broadcastable to the output, typically `[n, 1]`) and the covariates `cat`.
   */
  forward(dispersion: Dispersion, z: tf.Tensor, library: tf.Tensor, ...cat: tf.Tensor[]): DecoderSCVIOutput {
    return tf.tidy(() => {
      const px = this.pxDecoder.forward(z, ...cat);
      const scaleLogits = this.pxScaleDecoder.forward(px);
      const pxScale = this.scaleActivation === "softmax" ? (scaleLogits.rank === 2 ? softmaxLastAxis(scaleLogits) : tf.softmax(scaleLogits, -1)) : softplus(scaleLogits);
      const pxDropout = this.pxDropoutDecoder.forward(px);
      const pxRate = tf.mul(tf.exp(library), pxScale);
      const pxR = dispersion === "gene-cell" ? this.pxRDecoder.forward(px) : undefined;
      return { pxScale, pxR, pxRate, pxDropout };
    });
  }
}
