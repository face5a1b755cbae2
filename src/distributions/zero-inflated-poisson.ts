/**
 * `ZeroInflatedPoisson`: a Poisson with extra zeros.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, toTensor, type TensorInput } from "../backend/tensor.js";
import { nonnegative, nonnegativeInteger, real, unitInterval, type Constraint } from "./constraints.js";
import { expandParam, prepareValue } from "./discrete-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { poissonLogProb } from "./poisson.js";
import { samplePoisson } from "./samplers/poisson.js";
import {
  gateLogits,
  gateParam,
  gateProbs,
  zeroInflate,
  zeroInflatedLogProb,
  zeroInflatedMean,
  zeroInflatedVariance,
  type Gate,
  type GateParams,
} from "./zero-inflation.js";

/**
 * The zero-inflated Poisson (Pyro's / NumPyro's `ZeroInflatedPoisson`): with probability `gate`
 * (or `σ(gateLogits)`) an extra zero, otherwise `Poisson(rate)`. Mean `(1 - g) rate`, variance
 * `(1 - g) rate (1 + g rate)`.
 *
 * @example
 * ```ts
 * const d = new ZeroInflatedPoisson(tf.tensor([3, 10]), { gate: 0.2 });
 * d.logProb(tf.tensor([0, 12]));
 * ```
 */
export class ZeroInflatedPoisson extends Distribution {
  /** The Poisson rates, as given. */
  readonly rate: tf.Tensor;
  private readonly gateParam: Gate;

  constructor(rate: TensorInput, params: GateParams & DistributionOptions) {
    const r = toTensor(rate, "rate", "ZeroInflatedPoisson");
    const gate = gateParam("ZeroInflatedPoisson", params);
    super(broadcastShapes([r.shape, gate.tensor.shape], `ZeroInflatedPoisson(rate, ${gate.kind})`), [], params);
    this.rate = r;
    this.gateParam = gate;
    if (shouldCheckParams(params, this.validateArgs)) {
      this.checkParam("rate", r, nonnegative);
      this.checkParam(gate.kind, gate.tensor, gate.kind === "gate" ? unitInterval : real);
    }
  }

  /** The zero-inflation probability, `batchShape` (a new tensor). */
  get gate(): tf.Tensor {
    return tf.tidy(() => broadcastTo(gateProbs(this.gateParam), this.batchShape));
  }

  /** The logit of the zero-inflation probability, `batchShape` (a new tensor). */
  get gateLogits(): tf.Tensor {
    return tf.tidy(() => broadcastTo(gateLogits(this.gateParam), this.batchShape));
  }

  get support(): Constraint {
    return nonnegativeInteger;
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(zeroInflatedMean(this.rate, this.gateParam), this.batchShape));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => broadcastTo(zeroInflatedVariance(this.rate, this.rate, this.gateParam), this.batchShape));
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => zeroInflate(samplePoisson(this.rate, this.shape(sampleShape)), this.gateParam));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      return zeroInflatedLogProb(poissonLogProb(x, this.rate), x, this.gateParam);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const rate = expandParam(this.rate, batchShape);
    const gate = expandParam(this.gateParam.tensor, batchShape);
    const options = trustedOptions(this.validateArgs);
    return new ZeroInflatedPoisson(rate, this.gateParam.kind === "gate" ? { gate, ...options } : { gateLogits: gate, ...options });
  }
}
