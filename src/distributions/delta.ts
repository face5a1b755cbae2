/**
 * `Delta`: a point mass, used by MAP guides (`AutoDelta`) and for deterministic sites.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo, formatShape, sumRightmost, toTensor, type TensorInput } from "../backend/tensor.js";
import { independent, real, type Constraint } from "./constraints.js";
import { prepareValue } from "./discrete-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";

/** Options of a {@link Delta}. */
export interface DeltaOptions extends DistributionOptions {
  /** The log-density at `v`, broadcasting to the batch shape (default 0). */
  logDensity?: TensorInput;
  /** How many rightmost dimensions of `v` form one event (default 0). */
  eventDim?: number;
}

/**
 * The point mass at `v` (Pyro's `Delta(v, log_density, event_dim)`): the `eventDim` rightmost
 * dimensions of `v` are the event, the rest the batch. `rsample` returns `v` broadcast to
 * `sampleShape + v.shape`, differentiable in `v`; `logProb(x)` is `logDensity` where `x` equals
 * `v` on the whole event and `-Infinity` elsewhere (differentiable in `logDensity`).
 * `mean = v`, `variance = 0`.
 *
 * @example
 * ```ts
 * const d = new Delta(tf.tensor([1, 2]), { eventDim: 1 });
 * d.rsample([3]);                      // [3, 2], three copies of v
 * d.logProb(tf.tensor([1, 2]));        // 0
 * ```
 */
export class Delta extends Distribution {
  /** The location of the mass, as given. */
  readonly v: tf.Tensor;
  /** The log-density at `v`, as given (broadcasts to `batchShape`). */
  readonly logDensity: tf.Tensor;

  constructor(v: TensorInput, options: DeltaOptions = {}) {
    const value = toTensor(v, "v", "Delta");
    const eventDim = options.eventDim ?? 0;
    if (!Number.isInteger(eventDim) || eventDim < 0 || eventDim > value.rank) {
      throw new Error(`Delta: option 'eventDim' must be an integer in [0, ${value.rank}] for 'v' of shape ${formatShape(value.shape)}, got ${eventDim}`);
    }
    const split = value.rank - eventDim;
    super(value.shape.slice(0, split), value.shape.slice(split), options);
    this.v = value;
    this.logDensity = toTensor(options.logDensity ?? 0, "logDensity", "Delta");
    if (shouldCheckParams(options, this.validateArgs)) {
      this.checkParam("v", value, real);
      this.checkParam("logDensity", this.logDensity, real);
    }
  }

  get support(): Constraint {
    return this.eventDim === 0 ? real : independent(real, this.eventDim);
  }

  override get hasRsample(): boolean {
    return true;
  }

  override rsample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => (sampleShape.length === 0 ? tf.clone(this.v) : broadcastTo(this.v, this.shape(sampleShape))));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.shape());
      this.checkSupport(x);
      const hit = tf.log(tf.cast(tf.equal(x, this.v), "float32"));
      return tf.add(sumRightmost(hit, this.eventDim), this.logDensity);
    });
  }

  override get mean(): tf.Tensor {
    return tf.clone(this.v);
  }

  override get variance(): tf.Tensor {
    return tf.zerosLike(this.v);
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const v = broadcastTo(this.v, [...batchShape, ...this.eventShape]);
    const logDensity = this.logDensity.rank === 0 ? this.logDensity : broadcastTo(this.logDensity, batchShape);
    return new Delta(v, { logDensity, eventDim: this.eventDim, ...trustedOptions(this.validateArgs) });
  }
}
