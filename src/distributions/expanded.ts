/**
 * `ExpandedDistribution`: a distribution broadcast to a larger batch shape.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, formatShape } from "../backend/tensor.js";
import type { Constraint } from "./constraints.js";
import { Distribution, registerWrapper, type DistributionOptions } from "./distribution.js";

/**
 * `base` broadcast to `batchShape` (Pyro's `ExpandedDistribution`): no new parameters, only
 * broadcasting. `batchShape` may add leading dimensions and grow dimensions where `base`
 * has size 1. Samples are independent across the whole new batch (the base is sampled with
 * the extra dimensions as sample dimensions and the draws are moved into place), `logProb`
 * and `entropy` broadcast the base's. `d.expand(shape)` builds one for families that do not
 * broadcast their parameters themselves.
 *
 * @example
 * ```ts
 * const d = new ExpandedDistribution(new Normal(0, 1), [5, 3]); // batchShape [5, 3]
 * ```
 */
export class ExpandedDistribution extends Distribution {
  /** The distribution being broadcast. */
  readonly base: Distribution;
  /** New leading dimensions, then the base's dimensions that grow from 1. */
  private readonly leading: number[];
  private readonly grown: { dim: number; size: number }[];

  constructor(base: Distribution, batchShape: readonly number[], options: DistributionOptions = {}) {
    const shape = [...batchShape];
    const b = base.batchShape;
    const offset = shape.length - b.length;
    const bad = offset < 0 || b.some((d, i) => d !== shape[offset + i] && d !== 1);
    if (bad) {
      throw new Error(
        `${base.name}.expand: batchShape ${formatShape(b)} cannot be broadcast to ${formatShape(shape)} (each dimension must match or be 1)`,
      );
    }
    super(shape, base.eventShape, { validateArgs: options.validateArgs ?? base.validateArgs });
    this.base = base;
    this.leading = shape.slice(0, offset);
    this.grown = [];
    b.forEach((d, i) => {
      const size = shape[offset + i]!;
      if (d === 1 && size !== 1) this.grown.push({ dim: i, size });
    });
  }

  override get name(): string {
    return `Expanded(${this.base.name})`;
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
    return this.draw((s) => this.base.sample(s), sampleShape);
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return this.draw((s) => this.base.rsample(s), sampleShape);
  }

  /**
   * Samples the base with shape `sampleShape + leading + grown sizes`, then moves each grown
   * sample dimension next to the base's size-1 dimension it replaces and reshapes.
   */
  private draw(sampler: (s: number[]) => tf.Tensor, sampleShape: readonly number[]): tf.Tensor {
    return tf.tidy(() => {
      const s = [...sampleShape];
      const x = sampler([...s, ...this.leading, ...this.grown.map((g) => g.size)]);
      if (this.grown.length > 0) {
        const head = s.length + this.leading.length;
        const baseStart = head + this.grown.length;
        const perm = Array.from({ length: head }, (_, i) => i);
        this.base.batchShape.forEach((_, j) => {
          const g = this.grown.findIndex((e) => e.dim === j);
          if (g >= 0) perm.push(head + g);
          perm.push(baseStart + j);
        });
        for (let e = 0; e < this.eventShape.length; e++) perm.push(baseStart + this.base.batchShape.length + e);
        return tf.transpose(x, perm).reshape(this.shape(s));
      }
      return x;
    });
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const lp = this.base.logProb(value);
      const valueBatch = value.shape.slice(0, value.rank - this.eventShape.length);
      return broadcastTo(lp, broadcastShapes([lp.shape, valueBatch, this.batchShape], this.name));
    });
  }

  override entropy(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.base.entropy(), this.batchShape));
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.base.mean, this.shape()));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.base.variance, this.shape()));
  }

  override enumerateSupport(expand = true): tf.Tensor {
    return tf.tidy(() => {
      const values = this.base.enumerateSupport(false);
      const n = values.shape[0]!;
      const ones = this.batchShape.map(() => 1);
      const flat = values.reshape([n, ...ones, ...this.eventShape]);
      return expand ? broadcastTo(flat, [n, ...this.batchShape, ...this.eventShape]) : flat;
    });
  }

  /** Re-expands the base directly (never nests two `ExpandedDistribution`s). */
  override expand(batchShape: readonly number[]): Distribution {
    return new ExpandedDistribution(this.base, batchShape, { validateArgs: this.validateArgs });
  }
}

registerWrapper("expand", (base, batchShape) => new ExpandedDistribution(base, batchShape));
