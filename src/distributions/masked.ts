/**
 * `MaskedDistribution`: a distribution whose `logProb` is zeroed where a mask is false.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, formatShape, shapesEqual } from "../backend/tensor.js";
import type { Constraint } from "./constraints.js";
import { Distribution, registerWrapper, type DistributionOptions } from "./distribution.js";

/**
 * `base` with its `logProb` (and `entropy`) set to 0 wherever `mask` is false (Pyro's
 * `MaskedDistribution`). `mask` is a boolean (or 0/1) tensor broadcastable to the batch shape,
 * or a plain boolean: `true` leaves `base` unchanged, `false` zeroes every term. The batch
 * shape is the broadcast of `base.batchShape` and the mask's shape; sampling is the base's.
 * Masked-out terms are selected away (not multiplied by 0), so a `-Infinity` there does not
 * turn into NaN. `d.mask(m)` builds one.
 *
 * @example
 * ```ts
 * // ignore the observations whose entries are missing
 * const d = new Normal(mu, 1).mask(observedMask);
 * ```
 */
export class MaskedDistribution extends Distribution {
  /** The distribution being masked (already expanded to the broadcast batch shape). */
  readonly base: Distribution;
  /** The mask: a boolean, or a `bool` tensor broadcastable to `batchShape`. */
  readonly maskValue: tf.Tensor | boolean;

  constructor(base: Distribution, mask: tf.Tensor | boolean, options: DistributionOptions = {}) {
    let batchShape = base.batchShape;
    let maskValue: tf.Tensor | boolean = mask;
    if (typeof mask !== "boolean") {
      if (mask.isDisposed) throw new Error(`${base.name}.mask: the mask is a disposed tensor`);
      batchShape = broadcastShapes([base.batchShape, mask.shape], `${base.name}.mask (mask of shape ${formatShape(mask.shape)})`);
      maskValue = mask.dtype === "bool" ? mask : tf.notEqual(mask, 0);
    }
    super(batchShape, base.eventShape, { validateArgs: options.validateArgs ?? base.validateArgs });
    this.base = shapesEqual(batchShape, base.batchShape) ? base : base.expand(batchShape);
    this.maskValue = maskValue;
  }

  override get name(): string {
    return `Masked(${this.base.name})`;
  }

  get support(): Constraint {
    return this.base.support;
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  override get hasEnumerateSupport(): boolean {
    return this.base.hasEnumerateSupport;
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return this.base.sample(sampleShape);
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return this.base.rsample(sampleShape);
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.applyMask(this.base.logProb(value)));
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => this.applyMask(this.base.entropy()));
  }

  /** `where(mask, x, 0)` with `x` and the mask broadcast together. */
  applyMask(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const mask = this.maskValue;
      if (mask === true) return tf.clone(x);
      if (mask === false) return tf.zerosLike(x);
      const shape = broadcastShapes([x.shape, mask.shape], this.name);
      const full = broadcastTo(x, shape);
      return tf.where(broadcastTo(mask, shape), full, tf.zerosLike(full));
    });
  }

  override get mean(): tf.Tensor {
    return this.base.mean;
  }

  override get variance(): tf.Tensor {
    return this.base.variance;
  }

  override enumerateSupport(expand = true): tf.Tensor {
    return this.base.enumerateSupport(expand);
  }

  override expand(batchShape: readonly number[]): Distribution {
    return new MaskedDistribution(this.base.expand(batchShape), this.maskValue, { validateArgs: this.validateArgs });
  }

  /** Combines masks (logical and) instead of nesting. */
  override mask(mask: tf.Tensor | boolean): Distribution {
    const a = this.maskValue;
    if (a === false || mask === false) return new MaskedDistribution(this.base, false);
    if (a === true) return new MaskedDistribution(this.base, mask);
    if (mask === true) return this;
    const b = mask.dtype === "bool" ? mask : tf.notEqual(mask, 0);
    return new MaskedDistribution(this.base, tf.logicalAnd(a, b), { validateArgs: this.validateArgs });
  }
}

registerWrapper("masked", (base, mask) => new MaskedDistribution(base, mask));
