/**
 * `ZeroInflatedNegativeBinomial`: scVI's count likelihood, in scvi-tools' and Pyro's
 * parametrisations.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, type TensorInput } from "../backend/tensor.js";
import { halfOpenInterval, nonnegative, nonnegativeInteger, positive, real, unitInterval, type Constraint } from "./constraints.js";
import { expandParam, prepareValue } from "./discrete-params.js";
import { Distribution, type DistributionOptions } from "./distribution.js";
import { checkExpand, shouldCheckParams, trustedOptions } from "./family-params.js";
import { nbLogProb, zinbLogProb } from "./nb-log-prob.js";
import { NegativeBinomial, nbParams, type NegativeBinomialParameterization } from "./negative-binomial.js";
import { toTensor } from "../backend/tensor.js";
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
 * Parameters of a {@link ZeroInflatedNegativeBinomial}: scvi-tools' `{ mu, theta, ziLogits }`
 * (`ziLogits` the logits of the extra-zero probability), or Pyro's
 * `{ totalCount, logits | probs, gate | gateLogits }`.
 */
export type ZeroInflatedNegativeBinomialParams = (
  | {
      /** The negative binomial's mean (≥ 0), scvi-tools' parametrisation. */
      mu: TensorInput;
      /** The inverse dispersion (> 0). */
      theta: TensorInput;
      /** Log-odds of an extra zero (scvi-tools' `zi_logits`). */
      ziLogits: TensorInput;
      /** Only in Pyro's parametrisation. */
      totalCount?: undefined;
      /** Only in Pyro's parametrisation. */
      logits?: undefined;
      /** Only in Pyro's parametrisation. */
      probs?: undefined;
      /** Only in Pyro's parametrisation (`ziLogits` is the gate here). */
      gate?: undefined;
      /** Only in Pyro's parametrisation (`ziLogits` is the gate here). */
      gateLogits?: undefined;
    }
  | ((
      | {
          /** The number of failures until stopping (> 0), Pyro's parametrisation. */
          totalCount: TensorInput;
          /** Log-odds of success of each trial. */
          logits: TensorInput;
          /** Give `logits` or `probs`, not both. */
          probs?: undefined;
        }
      | {
          /** The number of failures until stopping (> 0), Pyro's parametrisation. */
          totalCount: TensorInput;
          /** Success probability of each trial, in [0, 1). */
          probs: TensorInput;
          /** Give `logits` or `probs`, not both. */
          logits?: undefined;
        }
    ) &
      GateParams & {
        /** Only in scvi-tools' parametrisation. */
        mu?: undefined;
        /** Only in scvi-tools' parametrisation. */
        theta?: undefined;
        /** Only in scvi-tools' parametrisation (the gate is `gate` / `gateLogits` here). */
        ziLogits?: undefined;
      })
) &
  DistributionOptions;

/**
 * The zero-inflated negative binomial: with probability `gate = σ(gateLogits)` an extra zero,
 * otherwise a {@link NegativeBinomial} draw. scvi-tools' `ZeroInflatedNegativeBinomial(mu,
 * theta, zi_logits)` and Pyro's `ZeroInflatedNegativeBinomial(total_count, logits|probs,
 * gate|gate_logits)` are the same distribution (`ziLogits` = `gateLogits`, `theta` =
 * `totalCount`, `mu = totalCount · exp(logits)`).
 *
 * With the gate given as logits (`ziLogits` / `gateLogits`) `logProb` is the fused,
 * float32-accurate {@link zinbLogProb} with hand-written gradients in `mu`, `theta` and the
 * logits — scVI's reconstruction term; a `theta` of shape `[genes]` is used without being
 * broadcast to the `[cells, genes]` batch. With `gate` probabilities it follows Pyro's formula.
 * Mean `(1 - g) μ`, variance `(1 - g)(μ + μ²/θ + g μ²)`.
 *
 * @example
 * ```ts
 * const px = new ZeroInflatedNegativeBinomial({ mu, theta, ziLogits, validateArgs: false });
 * const reconstruction = tf.neg(tf.sum(px.logProb(x), -1)); // per cell
 * ```
 */
export class ZeroInflatedNegativeBinomial extends Distribution {
  /** Which negative-binomial parametrisation was given. */
  readonly parameterization: NegativeBinomialParameterization;
  private readonly first: tf.Tensor;
  private readonly count: tf.Tensor;
  private readonly gateParam: Gate;

  constructor(params: ZeroInflatedNegativeBinomialParams) {
    const family = "ZeroInflatedNegativeBinomial";
    const { kind, first, count } = nbParams(family, params);
    let gate: Gate;
    if (kind === "meanDispersion") {
      if (params.ziLogits === undefined || params.gate !== undefined || params.gateLogits !== undefined) {
        throw new Error(`${family}: the (mu, theta) parametrisation takes the zero inflation as 'ziLogits' (and not 'gate' or 'gateLogits')`);
      }
      gate = { kind: "gateLogits", tensor: toTensor(params.ziLogits, "ziLogits", family) };
    } else {
      if (params.ziLogits !== undefined) {
        throw new Error(`${family}: 'ziLogits' belongs to the (mu, theta) parametrisation; with 'totalCount' give 'gate' or 'gateLogits'`);
      }
      gate = gateParam(family, params);
    }
    super(broadcastShapes([first.shape, count.shape, gate.tensor.shape], `${family} parameters`), [], params);
    this.parameterization = kind;
    this.first = first;
    this.count = count;
    this.gateParam = gate;
    if (shouldCheckParams(params, this.validateArgs)) {
      if (kind === "meanDispersion") {
        this.checkParam("mu", first, nonnegative);
        this.checkParam("theta", count, positive);
        this.checkParam("ziLogits", gate.tensor, real);
      } else {
        this.checkParam("totalCount", count, positive);
        this.checkParam(kind, first, kind === "probs" ? halfOpenInterval(0, 1) : real);
        this.checkParam(gate.kind, gate.tensor, gate.kind === "gate" ? unitInterval : real);
      }
    }
  }

  /** The negative binomial without zero inflation (shares the parameter tensors). */
  get base(): NegativeBinomial {
    const options = { validateArgs: false };
    switch (this.parameterization) {
      case "meanDispersion":
        return new NegativeBinomial({ mu: this.first, theta: this.count, ...options });
      case "logits":
        return new NegativeBinomial({ totalCount: this.count, logits: this.first, ...options });
      case "probs":
        return new NegativeBinomial({ totalCount: this.count, probs: this.first, ...options });
    }
  }

  /** The negative binomial mean `μ`, `batchShape` (a new tensor). */
  get mu(): tf.Tensor {
    return tf.tidy(() => broadcastTo(this.base.meanDispersion().mu, this.batchShape));
  }

  /** The inverse dispersion `θ` (= `totalCount`), `batchShape` (a new tensor). */
  get theta(): tf.Tensor {
    return tf.tidy(() => broadcastTo(tf.clone(this.count), this.batchShape));
  }

  /** The extra-zero probability, `batchShape` (a new tensor). */
  get gate(): tf.Tensor {
    return tf.tidy(() => broadcastTo(gateProbs(this.gateParam), this.batchShape));
  }

  /** The logits of the extra-zero probability (scvi-tools' `zi_logits`), `batchShape` (a new tensor). */
  get gateLogits(): tf.Tensor {
    return tf.tidy(() => broadcastTo(gateLogits(this.gateParam), this.batchShape));
  }

  get support(): Constraint {
    return nonnegativeInteger;
  }

  override get mean(): tf.Tensor {
    return tf.tidy(() => broadcastTo(zeroInflatedMean(this.base.meanDispersion().mu, this.gateParam), this.batchShape));
  }

  override get variance(): tf.Tensor {
    return tf.tidy(() => {
      const { mu, theta } = this.base.meanDispersion();
      const nbVariance = tf.add(mu, tf.div(tf.square(mu), theta));
      return broadcastTo(zeroInflatedVariance(mu, nbVariance, this.gateParam), this.batchShape);
    });
  }

  override sample(sampleShape: readonly number[] = []): tf.Tensor {
    return tf.tidy(() => zeroInflate(this.base.expand(this.batchShape).sample(sampleShape), this.gateParam));
  }

  logProb(value: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const x = prepareValue(value, this.name, this.batchShape);
      this.checkSupport(x);
      if (this.parameterization === "meanDispersion") return zinbLogProb(x, this.first, this.count, this.gateParam.tensor);
      const { mu, theta } = this.base.meanDispersion();
      if (this.gateParam.kind === "gateLogits") return zinbLogProb(x, mu, theta, this.gateParam.tensor);
      return zeroInflatedLogProb(nbLogProb(x, mu, theta), x, this.gateParam);
    });
  }

  override expand(batchShape: readonly number[]): Distribution {
    checkExpand(this.name, this.batchShape, batchShape);
    const first = expandParam(this.first, batchShape);
    const count = expandParam(this.count, batchShape);
    const gate = expandParam(this.gateParam.tensor, batchShape);
    const options = trustedOptions(this.validateArgs);
    if (this.parameterization === "meanDispersion") {
      return new ZeroInflatedNegativeBinomial({ mu: first, theta: count, ziLogits: gate, ...options });
    }
    const gateSpec = this.gateParam.kind === "gate" ? { gate } : { gateLogits: gate };
    return this.parameterization === "logits"
      ? new ZeroInflatedNegativeBinomial({ totalCount: count, logits: first, ...gateSpec, ...options })
      : new ZeroInflatedNegativeBinomial({ totalCount: count, probs: first, ...gateSpec, ...options });
  }
}
