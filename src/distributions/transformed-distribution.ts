/**
 * `TransformedDistribution`: the pushforward of a distribution through transforms.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, shapesEqual, sumRightmost } from "../backend/tensor.js";
import { independent, type Constraint } from "./constraints.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { Independent } from "./independent.js";
import { ComposeTransform } from "./transforms/compose.js";
import type { Transform } from "./transforms/transform.js";

/**
 * The distribution of `y = t_k(... t_1(x))` for `x ~ base` (torch's
 * `TransformedDistribution`). `logProb(y)` uses the change of variables
 * `log p(y) = log p_base(x) - Σ log|det J_t|` with `x` recovered by the inverses; event
 * dimensions follow torch: when a transform acts on more dimensions than the base's events,
 * the base is wrapped in `Independent`, and when the transforms change shapes (stick-breaking,
 * lower-Cholesky) `batchShape` and `eventShape` come from their `forwardShape`.
 *
 * @example
 * ```ts
 * // a log-normal as exp of a normal
 * const d = new TransformedDistribution(new Normal(0, 1), [new ExpTransform()]);
 * ```
 */
export class TransformedDistribution extends Distribution {
  /** The base distribution (wrapped in `Independent`/expanded as the transforms need). */
  readonly base: Distribution;
  /** The transforms, applied first to last. */
  readonly transforms: readonly Transform[];

  constructor(base: Distribution, transforms: Transform | readonly Transform[], options: DistributionOptions = {}) {
    const parts = Array.isArray(transforms) ? [...(transforms as readonly Transform[])] : [transforms as Transform];
    const t = new ComposeTransform(parts);
    const baseShape = [...base.batchShape, ...base.eventShape];
    const baseEventDim = base.eventShape.length;
    if (baseShape.length < t.domain.eventDim) {
      throw new Error(
        `TransformedDistribution: the transforms act on ${t.domain.eventDim}-dimensional events but ${base.name} has shape ${formatShape(baseShape)}`,
      );
    }
    const forwardShape = t.forwardShape(baseShape);
    const expandedBaseShape = t.inverseShape(forwardShape);
    let b = base;
    if (!shapesEqual(baseShape, expandedBaseShape)) {
      b = b.expand(expandedBaseShape.slice(0, expandedBaseShape.length - baseEventDim));
    }
    const reinterpreted = t.domain.eventDim - baseEventDim;
    if (reinterpreted > 0) b = new Independent(b, reinterpreted);
    const eventDim = Math.max(t.codomain.eventDim, baseEventDim + t.codomain.eventDim - t.domain.eventDim);
    const cut = forwardShape.length - eventDim;
    super(forwardShape.slice(0, cut), forwardShape.slice(cut), { validateArgs: options.validateArgs ?? base.validateArgs });
    this.base = b;
    this.transforms = parts;
  }

  override get name(): string {
    return `Transformed(${this.base.name})`;
  }

  get support(): Constraint {
    if (this.transforms.length === 0) return this.base.support;
    const s = this.transforms[this.transforms.length - 1]!.codomain;
    return this.eventShape.length > s.eventDim ? independent(s, this.eventShape.length - s.eventDim) : s;
  }

  override get hasRsample(): boolean {
    return this.base.hasRsample;
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => this.push(this.base.sample(sampleShape)));
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => this.push(this.base.rsample(sampleShape)));
  }

  private push(x: tf.Tensor): tf.Tensor {
    return this.transforms.reduce((v, t) => t.forward(v), x);
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.validateArgs) this.checkSupport(value);
      let eventDim = this.eventShape.length;
      let lp: tf.Tensor = tf.scalar(0);
      let y = value;
      for (let i = this.transforms.length - 1; i >= 0; i--) {
        const t = this.transforms[i]!;
        const x = t.inverse(y);
        eventDim += t.domain.eventDim - t.codomain.eventDim;
        lp = tf.sub(lp, sumRightmost(t.logAbsDetJacobian(x, y), eventDim - t.domain.eventDim));
        y = x;
      }
      return tf.add(lp, sumRightmost(this.base.logProb(y), eventDim - this.base.eventShape.length));
    });
  }

  /** Expands the base so that the pushforward has `batchShape`. */
  override expand(batchShape: readonly number[]): Distribution {
    let shape = [...batchShape, ...this.eventShape];
    for (let i = this.transforms.length - 1; i >= 0; i--) shape = this.transforms[i]!.inverseShape(shape);
    const baseBatch = shape.slice(0, shape.length - this.base.eventShape.length);
    return new TransformedDistribution(this.base.expand(baseBatch), this.transforms, { validateArgs: this.validateArgs });
  }
}
