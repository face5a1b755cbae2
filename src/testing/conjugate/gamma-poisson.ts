/**
 * Gamma–Poisson: `z ~ Gamma(concentration, rate)`, `x_i ~ Poisson(z)`; guide
 * `Gamma(q.concentration, q.rate)`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Gamma } from "../../distributions/gamma.js";
import { Poisson } from "../../distributions/poisson.js";
import { digamma64, gammaLogPdf64, lgamma64, poissonLogPmf64 } from "../special64.js";
import { buildCase, f32, type ConjugateCase } from "./case.js";

/** The raw inputs of a Gamma–Poisson case. */
export interface GammaPoissonInputs {
  /** The seed checks run this case's estimators under. */
  readonly seed: number;
  /** Counts (non-negative integers). */
  readonly data: readonly number[];
  /** The Gamma prior's concentration (shape). */
  readonly priorConcentration: number;
  /** The Gamma prior's rate. */
  readonly priorRate: number;
  /** Guide concentration = posterior's · exp(`logConcentrationShift`). */
  readonly logConcentrationShift: number;
  /** Guide rate = posterior's · exp(`logRateShift`). */
  readonly logRateShift: number;
}

/** `KL(Gamma(a1, b1) ‖ Gamma(a2, b2))` (rate parametrisation). */
export function klGamma(a1: number, b1: number, a2: number, b2: number): number {
  return (a1 - a2) * digamma64(a1) - lgamma64(a1) + lgamma64(a2) + a2 * (Math.log(b1) - Math.log(b2)) + (a1 * (b2 - b1)) / b1;
}

/** Builds a Gamma–Poisson {@link ConjugateCase}. */
export function gammaPoissonCase(inputs: GammaPoissonInputs): ConjugateCase {
  const data = inputs.data.map((k) => {
    if (!Number.isInteger(k) || k < 0) throw new Error(`gammaPoissonCase: counts must be non-negative integers, got ${k}`);
    return k;
  });
  const a0 = f32(inputs.priorConcentration);
  const b0 = f32(inputs.priorRate);
  const a = a0 + data.reduce((s, k) => s + k, 0);
  const b = b0 + data.length;
  const qa = f32(a * Math.exp(inputs.logConcentrationShift));
  const qb = f32(b * Math.exp(inputs.logRateShift));
  return buildCase({
    family: "gamma-poisson",
    seed: inputs.seed,
    data,
    priorParams: { concentration: a0, rate: b0 },
    priorDist: () => new Gamma(a0, b0),
    likelihoodDist: (z) => new Poisson(z),
    guideParams: [
      { name: "q.concentration", positive: true },
      { name: "q.rate", positive: true },
    ],
    guideDist: ([c, r]) => new Gamma(c as tf.Tensor, r as tf.Tensor),
    guideInit: { "q.concentration": qa, "q.rate": qb },
    posterior: { "q.concentration": a, "q.rate": b },
    posteriorMean: a / b,
    posteriorSd: Math.sqrt(a) / b,
    logJoint: (z) => gammaLogPdf64(z, a0, b0) + data.reduce((acc, k) => acc + poissonLogPmf64(k, z), 0),
    logPosterior: (z) => gammaLogPdf64(z, a, b),
    kl: (p) => klGamma(p["q.concentration"]!, p["q.rate"]!, a, b),
  });
}
