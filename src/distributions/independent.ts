/**
 * `Independent`: reinterprets batch dimensions of a distribution as event dimensions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, sumRightmost } from "../backend/tensor.js";
import { independent, type Constraint } from "./constraints.js";
import { Distribution, registerWrapper, type DistributionOptions } from "./distribution.js";

/**
 * Treats the `reinterpretedBatchNdims` rightmost batch dimensions of `base` as event
 * dimensions (torch's `Independent`): `logProb` and `entropy` sum over them, samples are
 * unchanged. `d.toEvent(n)` builds one.
 *
 * @example
 * ```ts
 * // a diagonal Gaussian over R^3: batchShape [], eventShape [3]
 * const d = new Independent(new Normal(tf.zeros([3]), 1), 1);
 * ```
 */
export class Independent extends Distribution {
  /** The wrapped distribution. */
  readonly base: Distribution;
  /** How many rightmost batch dimensions of `base` became event dimensions. */
  readonly reinterpretedBatchNdims: number;

  constructor(base: Distribution, reinterpretedBatchNdims: number, options: DistributionOptions = {}) {
    const n = reinterpretedBatchNdims;
    if (!Number.isInteger(n) || n < 0 || n > base.batchShape.length) {
      throw new Error(
        `Independent: reinterpretedBatchNdims must be an integer in [0, ${base.batchShape.length}] for a ${base.name} of batchShape ${formatShape(base.batchShape)}, got ${n}`,
      );
    }
    const cut = base.batchShape.length - n;
    super(base.batchShape.slice(0, cut), [...base.batchShape.slice(cut), ...base.eventShape], {
      validateArgs: options.validateArgs ?? base.validateArgs,
    });
    this.base = base;
    this.reinterpretedBatchNdims = n;
  }

  override get name(): string {
    return `Independent(${this.base.name}, ${this.reinterpretedBatchNdims})`;
  }

  get support(): Constraint {
    const s = this.base.support;
    return this.reinterpretedBatchNdims === 0 ? s : independent(s, this.reinterpretedBatchNdims);
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  override get hasEnumerateSupport(): boolean {
    return this.reinterpretedBatchNdims === 0 && this.base.hasEnumerateSupport;
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return this.base.sample(sampleShape);
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return this.base.rsample(sampleShape);
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => sumRightmost(this.base.logProb(value), this.reinterpretedBatchNdims));
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => sumRightmost(this.base.entropy(), this.reinterpretedBatchNdims));
  }

  override get mean(): tf.Tensor {
    return this.base.mean;
  }

  override get variance(): tf.Tensor {
    return this.base.variance;
  }

  override enumerateSupport(expand = true): tf.Tensor {
    if (this.reinterpretedBatchNdims > 0) {
      throw new Error(`${this.name}: enumerating the support over reinterpreted dimensions is not supported`);
    }
    return this.base.enumerateSupport(expand);
  }

  /** Expands the base distribution (its reinterpreted dimensions stay as they are). */
  override expand(batchShape: readonly number[]): Distribution {
    const tail = this.base.batchShape.slice(this.base.batchShape.length - this.reinterpretedBatchNdims);
    return new Independent(this.base.expand([...batchShape, ...tail]), this.reinterpretedBatchNdims, {
      validateArgs: this.validateArgs,
    });
  }

  /** Reinterprets more batch dimensions: one `Independent` over the base, not a nested one. */
  override toEvent(n?: number): Distribution {
    const dims = n ?? this.batchShape.length;
    if (dims === 0) return this;
    if (!Number.isInteger(dims) || dims < 0 || dims > this.batchShape.length) {
      throw new Error(`${this.name}.toEvent: n must be an integer in [0, ${this.batchShape.length}], got ${dims}`);
    }
    return new Independent(this.base, this.reinterpretedBatchNdims + dims, { validateArgs: this.validateArgs });
  }
}

registerWrapper("independent", (base, n) => new Independent(base, n));
