/**
 * `FCLayers`: scvi-tools' stack of fully connected layers with injected categorical covariates.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { BatchNorm1d } from "./batchnorm.js";
import { effectiveCategoryCounts, oneHotCovariates } from "./covariates.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./layernorm.js";
import type { DenseLayout, preferredLayout } from "./dense.js";
import { Linear } from "./linear.js";
import { Module, ModuleDict } from "./module.js";

/** Options of {@link FCLayers} (scvi-tools' defaults). */
export interface FCLayersOptions {
  /** Category counts of the categorical covariates (one-hot encoded; counts ≤ 1 are ignored). Default none. */
  nCat?: readonly number[];
  /** Number of layers (default 1). */
  nLayers?: number;
  /** Width of the hidden layers (default 128). */
  nHidden?: number;
  /** Dropout probability after each layer (default 0.1; 0 adds no dropout). */
  dropoutRate?: number;
  /** BatchNorm1d (momentum 0.01, eps 1e-3) after each linear map (default true). */
  useBatchNorm?: boolean;
  /** LayerNorm without affine transform after each linear map (default false). */
  useLayerNorm?: boolean;
  /** ReLU after each layer (default true). */
  useActivation?: boolean;
  /** Whether the linear maps have biases (default true). */
  bias?: boolean;
  /** Concatenate the covariates to every layer's input (default true), or to the first layer's only. */
  injectCovariates?: boolean;
  /**
   * The input is mostly zeros (count data): the first layer stores its weight as `[nIn, nOut]`,
   * the layout in which both of its products on the wasm heap skip the zeros (default false).
   */
  sparseInput?: boolean;
}

/** Options of one {@link FCLayer}. */
export interface FCLayerOptions {
  /** Whether the linear map has a bias. */
  bias: boolean;
  /** Add BatchNorm1d (momentum 0.01, eps 1e-3). */
  useBatchNorm: boolean;
  /** Add LayerNorm without affine transform. */
  useLayerNorm: boolean;
  /** Add ReLU. */
  useActivation: boolean;
  /** Dropout probability (0: none). */
  dropoutRate: number;
  /** How the linear map stores its weight (default: {@link preferredLayout}). */
  layout?: DenseLayout;
}

/**
 * One layer of {@link FCLayers}: Linear → BatchNorm1d and/or LayerNorm → ReLU → Dropout,
 * each but the linear map optional. Children: `linear`, `batchNorm`, `layerNorm`, `dropout`.
 */
export class FCLayer extends Module {
  /** The linear map. */
  readonly linear: Linear;
  /** The batch normalisation, if any. */
  readonly batchNorm: BatchNorm1d | undefined;
  /** The layer normalisation, if any. */
  readonly layerNorm: LayerNorm | undefined;
  /** The dropout, if any. */
  readonly dropout: Dropout | undefined;
  /** Whether ReLU is applied. */
  readonly useActivation: boolean;

  /**
   * @param nIn input features (covariate columns included)
   * @param nOut output features
   */
  constructor(nIn: number, nOut: number, options: FCLayerOptions) {
    super();
    this.linear = this.registerModule("linear", new Linear(nIn, nOut, { bias: options.bias, layout: options.layout }));
    this.batchNorm = options.useBatchNorm
      ? this.registerModule("batchNorm", new BatchNorm1d(nOut, { momentum: 0.01, eps: 1e-3 }))
      : undefined;
    this.layerNorm = options.useLayerNorm ? this.registerModule("layerNorm", new LayerNorm(nOut)) : undefined;
    this.useActivation = options.useActivation;
    this.dropout = options.dropoutRate > 0 ? this.registerModule("dropout", new Dropout(options.dropoutRate)) : undefined;
  }

  /** Applies the layer to `x` (`[n, nIn]` or `[s, n, nIn]`, covariates already concatenated). */
  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      let h = this.linear.forward(x);
      if (this.batchNorm && !this.layerNorm) {
        // BatchNorm → ReLU → Dropout as one op in training mode (fewer kernels and tape nodes).
        const fuseDropout = this.dropout !== undefined && this.dropout.training && this.batchNorm.training && this.dropout.p < 1;
        h = this.batchNorm.forwardWithEpilogue(h, {
          relu: this.useActivation,
          dropoutRate: fuseDropout ? this.dropout!.p : 0,
        });
        if (this.dropout && !fuseDropout) h = this.dropout.forward(h);
        return h;
      }
      if (this.batchNorm) h = this.batchNorm.forward(h);
      if (this.layerNorm) h = this.layerNorm.forward(h);
      if (this.useActivation) h = tf.relu(h);
      if (this.dropout) h = this.dropout.forward(h);
      return h;
    });
  }
}

/**
 * A stack of fully connected layers (scvi-tools' `FCLayers`): `nLayers` layers
 * `nIn → nHidden → … → nOut`, each Linear → BatchNorm1d / LayerNorm → ReLU → Dropout, with the
 * one-hot categorical covariates concatenated to the input of every layer (or of the first
 * layer only when `injectCovariates` is false).
 *
 * Parameter names follow scvi-tools' in camel case: `fcLayers.layer0.linear.weight`,
 * `fcLayers.layer0.batchNorm.weight`, ...
 *
 * @example
 * ```ts
 * const fc = new FCLayers(2000, 128, { nCat: [3] });
 * const h = fc.forward(x, batchCodes); // x: [n, 2000]; batchCodes: [n, 1] floats in {0, 1, 2}
 * ```
 */
export class FCLayers extends Module {
  /** The layers, named `layer0`, `layer1`, .... */
  readonly fcLayers: ModuleDict<FCLayer>;
  /** The category counts as used (counts ≤ 1 replaced by 0). */
  readonly nCatList: readonly number[];
  /** Whether covariates go into every layer (true) or the first only. */
  readonly injectCovariates: boolean;

  /**
   * @param nIn input features (without covariates)
   * @param nOut output features
   */
  constructor(
    readonly nIn: number,
    readonly nOut: number,
    options: FCLayersOptions = {},
  ) {
    super();
    const nLayers = options.nLayers ?? 1;
    const nHidden = options.nHidden ?? 128;
    if (!Number.isInteger(nLayers) || nLayers < 1) throw new Error(`FCLayers: nLayers=${nLayers} must be a positive integer`);
    this.nCatList = effectiveCategoryCounts(options.nCat ?? []);
    this.injectCovariates = options.injectCovariates ?? true;
    const nCov = this.nCatList.reduce((a, b) => a + b, 0);
    const dims = [nIn, ...new Array<number>(nLayers - 1).fill(nHidden), nOut];
    const layerOptions: FCLayerOptions = {
      bias: options.bias ?? true,
      useBatchNorm: options.useBatchNorm ?? true,
      useLayerNorm: options.useLayerNorm ?? false,
      useActivation: options.useActivation ?? true,
      dropoutRate: options.dropoutRate ?? 0.1,
    };
    this.fcLayers = this.registerModule("fcLayers", new ModuleDict<FCLayer>());
    for (let i = 0; i < nLayers; i++) {
      const inject = this.injectsInto(i) ? nCov : 0;
      const layout = i === 0 && options.sparseInput ? "io" : undefined;
      this.fcLayers.add(`layer${i}`, new FCLayer(dims[i]! + inject, dims[i + 1]!, { ...layerOptions, layout }));
    }
  }

  /** Whether the covariates are concatenated to the input of layer `i`. */
  injectsInto(i: number): boolean {
    return i === 0 || this.injectCovariates;
  }

  /**
   * Applies the layers to `x` (`[n, nIn]`, or `[s, n, nIn]` for `s` samples per cell) with the
   * categorical covariates `cat` (one `[n, 1]` code tensor or `[n, k]` one-hot tensor per
   * entry of `nCat`).
   */
  forward(x: tf.Tensor, ...cat: tf.Tensor[]): tf.Tensor {
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== this.nIn) {
      throw new Error(`FCLayers(${this.nIn} → ${this.nOut}): expected input [n, ${this.nIn}] or [s, n, ${this.nIn}], got [${x.shape.join(", ")}]`);
    }
    return tf.tidy(() => {
      const nRows = x.shape[x.rank - 2]!;
      let oneHots = oneHotCovariates(this.nCatList, cat, nRows, "FCLayers");
      if (x.rank === 3 && oneHots.length > 0) {
        const s = x.shape[0]!;
        oneHots = oneHots.map((o) => tf.broadcastTo(tf.expandDims(o, 0), [s, nRows, o.shape[1]!]));
      }
      let h = x;
      this.fcLayers.values().forEach((layer, i) => {
        const input = this.injectsInto(i) && oneHots.length > 0 ? tf.concat([h, ...oneHots], -1) : h;
        h = layer.forward(input);
      });
      return h;
    });
  }
}
