/**
 * Beta–Bernoulli: `z ~ Beta(concentration1, concentration0)`, `x_i ~ Bernoulli(z)`; guide
 * `Beta(q.concentration1, q.concentration0)`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Beta } from "../../distributions/beta.js";
import { Bernoulli } from "../../distributions/bernoulli.js";
import { betaLogPdf64, digamma64, logBeta64 } from "../special64.js";
import { buildCase, f32, type ConjugateCase } from "./case.js";

/** The raw inputs of a Beta–Bernoulli case. */
export interface BetaBernoulliInputs {
  /** The seed checks run this case's estimators under. */
  readonly seed: number;
  /** Outcomes (0 or 1). */
  readonly data: readonly number[];
  /** The Beta prior's concentration of 1s (α). */
  readonly priorConcentration1: number;
  /** The Beta prior's concentration of 0s (β). */
  readonly priorConcentration0: number;
  /** Guide concentration1 = posterior's · exp(`logShift1`). */
  readonly logShift1: number;
  /** Guide concentration0 = posterior's · exp(`logShift0`). */
  readonly logShift0: number;
}

/** `KL(Beta(a1, b1) ‖ Beta(a2, b2))`. */
export function klBeta(a1: number, b1: number, a2: number, b2: number): number {
  return (
    logBeta64(a2, b2) -
    logBeta64(a1, b1) +
    (a1 - a2) * digamma64(a1) +
    (b1 - b2) * digamma64(b1) +
    (a2 - a1 + b2 - b1) * digamma64(a1 + b1)
  );
}

/** Builds a Beta–Bernoulli {@link ConjugateCase}. */
export function betaBernoulliCase(inputs: BetaBernoulliInputs): ConjugateCase {
  const data = inputs.data.map((x): number => {
    if (x !== 0 && x !== 1) throw new Error(`betaBernoulliCase: outcomes must be 0 or 1, got ${x}`);
    return x;
  });
  const a0 = f32(inputs.priorConcentration1);
  const b0 = f32(inputs.priorConcentration0);
  const ones = data.reduce((s, x) => s + x, 0);
  const a = a0 + ones;
  const b = b0 + data.length - ones;
  const qa = f32(a * Math.exp(inputs.logShift1));
  const qb = f32(b * Math.exp(inputs.logShift0));
  const logLik = (z: number) => ones * Math.log(z) + (data.length - ones) * Math.log1p(-z);
  return buildCase({
    family: "beta-bernoulli",
    seed: inputs.seed,
    data,
    priorParams: { concentration1: a0, concentration0: b0 },
    priorDist: () => new Beta(a0, b0),
    likelihoodDist: (z) => new Bernoulli({ probs: z }),
    guideParams: [
      { name: "q.concentration1", positive: true },
      { name: "q.concentration0", positive: true },
    ],
    guideDist: ([c1, c0]) => new Beta(c1 as tf.Tensor, c0 as tf.Tensor),
    guideInit: { "q.concentration1": qa, "q.concentration0": qb },
    posterior: { "q.concentration1": a, "q.concentration0": b },
    posteriorMean: a / (a + b),
    posteriorSd: Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1))),
    logJoint: (z) => betaLogPdf64(z, a0, b0) + logLik(z),
    logPosterior: (z) => betaLogPdf64(z, a, b),
    kl: (p) => klBeta(p["q.concentration1"]!, p["q.concentration0"]!, a, b),
  });
}
