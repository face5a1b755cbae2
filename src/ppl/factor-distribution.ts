/**
 * The unit distribution behind `factor`: its log-density is a given tensor, whatever the value.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastTo } from "../backend/tensor.js";
import { Distribution } from "../distributions/distribution.js";
import * as constraints from "../distributions/constraints.js";
import type { Constraint } from "../distributions/constraints.js";

/** A distribution whose `logProb` is a fixed tensor (of its batch shape). */
export class FactorDistribution extends Distribution {
  constructor(
    /** The log-density added to the model (its shape is the batch shape). */
    readonly logFactor: tf.Tensor,
  ) {
    super(logFactor.shape, [], { validateArgs: false });
  }

  get support(): Constraint {
    return constraints.real;
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.zeros(this.shape(sampleShape));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.add(this.logFactor, tf.zeros(value.shape)));
  }

  override expand(batchShape: readonly number[]): Distribution {
    return new FactorDistribution(broadcastTo(this.logFactor, batchShape));
  }
}
