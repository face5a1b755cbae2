/**
 * `LocationScaleDistribution`: what the families with a real location and a positive scale
 * share (Normal, LogNormal, Laplace).
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { broadcastTo, type TensorInput } from "../backend/tensor.js";
import { positive, real } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { broadcastParams, checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";

/**
 * A reparameterized family with parameters `loc` (real) and `scale` (> 0), broadcast together
 * to the batch shape and checked (unless validation is off) when constructed. Subclasses give
 * the density, the sampler and {@link LocationScaleDistribution.withParams}.
 */
export abstract class LocationScaleDistribution extends Distribution {
  /** The location, broadcast to `batchShape` (what it means is the family's: see the subclass). */
  readonly loc: tf.Tensor;
  /** The scale, broadcast to `batchShape`. */
  readonly scale: tf.Tensor;

  /**
   * @param family the family's name in error messages
   * @param loc the location (real)
   * @param scale the scale (> 0)
   */
  protected constructor(family: string, loc: TensorInput, scale: TensorInput, options: DistributionOptions) {
    const { values, shape } = broadcastParams(family, [
      ["loc", loc],
      ["scale", scale],
    ]);
    super(shape, [], options);
    [this.loc, this.scale] = values as [tf.Tensor, tf.Tensor];
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("loc", this.loc, real);
      this.checkParam("scale", this.scale, positive);
    }
  }

  override get hasRsample(): boolean {
    return true;
  }

  /** A distribution of the same family with these parameters. */
  protected abstract withParams(loc: tf.Tensor, scale: tf.Tensor, options: DistributionOptions): this;

  override expand(batchShape: readonly number[]): this {
    checkExpand(this.name, this.batchShape, batchShape);
    return this.withParams(broadcastTo(this.loc, batchShape), broadcastTo(this.scale, batchShape), trustedOptions(this.validateArgs));
  }
}
