/**
 * `Delta`: a point mass, the guide distribution of {@link AutoDelta} (Pyro's `dist.Delta`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, customOp, formatShape, sumRightmost, toTensor, type TensorInput } from "../../backend/tensor.js";
import { independent, real, type Constraint } from "../../distributions/constraints.js";
import { Distribution, type DistributionOptions } from "../../distributions/distribution.js";

/**
 * `log [x = v]` (0 or −∞) with a zero gradient. The comparison runs inside a custom op, so no
 * `Equal` kernel (which has no gradient in tfjs) lands on the tape when `x` and `v` depend on
 * trainable variables.
 */
const logIndicator = customOp(
  (x, v) => tf.log(tf.cast(tf.equal(x!, v!), "float32")),
  (dy, [x, v]) => [tf.zerosLike(x!), tf.zerosLike(v!)],
);

/** Options of {@link Delta}. */
export interface DeltaOptions extends DistributionOptions {
  /** Rightmost dims of `v` forming one event (default 0). */
  eventDim?: number;
  /** An extra log-density added at the point (default 0), of the batch shape or broadcastable. */
  logDensity?: TensorInput;
}

/**
 * The point mass at `v`: samples are `v` (reparameterized: gradients flow to `v`), and
 * `logProb(x)` is `logDensity` where `x` equals `v` (every element of an event) and `−∞`
 * elsewhere.
 *
 * @example
 * ```ts
 * const d = new Delta(tf.tensor1d([1, 2]), { eventDim: 1 }); // batchShape [], eventShape [2]
 * ```
 */
export class Delta extends Distribution {
  /** The point. */
  readonly v: tf.Tensor;
  /** The log-density at the point. */
  readonly logDensity: tf.Tensor;

  constructor(v: TensorInput, options: DeltaOptions = {}) {
    const value = toTensor(v, "v", "Delta");
    const eventDim = options.eventDim ?? 0;
    if (!Number.isInteger(eventDim) || eventDim < 0 || eventDim > value.rank) {
      throw new Error(`Delta: eventDim must be an integer in [0, ${value.rank}] for v of shape ${formatShape(value.shape)}, got ${eventDim}`);
    }
    const cut = value.rank - eventDim;
    super(value.shape.slice(0, cut), value.shape.slice(cut), options);
    this.v = value;
    this.logDensity = options.logDensity === undefined ? tf.scalar(0) : toTensor(options.logDensity, "logDensity", "Delta");
  }

  get support(): Constraint {
    return this.eventShape.length === 0 ? real : independent(real, this.eventShape.length);
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => (sampleShape.length === 0 ? tf.clone(this.v) : broadcastTo(this.v, this.shape(sampleShape))));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const hit = logIndicator(value, this.v);
      return tf.add(sumRightmost(hit, this.eventShape.length), this.logDensity);
    });
  }

  override get mean(): tf.Tensor {
    return tf.clone(this.v);
  }

  override get variance(): tf.Tensor {
    return tf.zerosLike(this.v);
  }

  override entropy(): tf.Tensor {
    return tf.zeros(this.batchShape);
  }

  override expand(batchShape: readonly number[]): Distribution {
    return new Delta(broadcastTo(this.v, [...batchShape, ...this.eventShape]), {
      eventDim: this.eventShape.length,
      logDensity: this.logDensity,
      validateArgs: this.validateArgs,
    });
  }
}
