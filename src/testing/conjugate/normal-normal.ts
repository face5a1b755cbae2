/**
 * Normal–Normal: `z ~ N(priorLoc, priorScale)`, `x_i ~ N(z, noiseScale)`; guide `N(q.loc, q.scale)`.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Normal } from "../../distributions/normal.js";
import { normalLogPdf64 } from "../special64.js";
import { buildCase, f32, type ConjugateCase } from "./case.js";

/** The raw inputs of a Normal–Normal case (rounded to float32 by {@link normalNormalCase}). */
export interface NormalNormalInputs {
  /** The seed checks run this case's estimators under. */
  readonly seed: number;
  /** The observations. */
  readonly data: readonly number[];
  /** Mean of the latent's Normal prior. */
  readonly priorLoc: number;
  /** Standard deviation of the latent's Normal prior. */
  readonly priorScale: number;
  /** Standard deviation of each observation around the latent. */
  readonly noiseScale: number;
  /** Guide loc = posterior mean + `locShift` posterior sds. */
  readonly locShift: number;
  /** Guide scale = posterior sd · exp(`logScaleShift`). */
  readonly logScaleShift: number;
}

/** `KL(N(m1, s1) ‖ N(m2, s2))`. */
export function klNormal(m1: number, s1: number, m2: number, s2: number): number {
  return Math.log(s2 / s1) + (s1 * s1 + (m1 - m2) ** 2) / (2 * s2 * s2) - 0.5;
}

/** Builds a Normal–Normal {@link ConjugateCase}. */
export function normalNormalCase(inputs: NormalNormalInputs): ConjugateCase {
  const data = inputs.data.map(f32);
  const mu0 = f32(inputs.priorLoc);
  const s0 = f32(inputs.priorScale);
  const sigma = f32(inputs.noiseScale);
  const precision = 1 / (s0 * s0) + data.length / (sigma * sigma);
  const sum = data.reduce((a, b) => a + b, 0);
  const postMean = (mu0 / (s0 * s0) + sum / (sigma * sigma)) / precision;
  const postSd = Math.sqrt(1 / precision);
  const qLoc = f32(postMean + inputs.locShift * postSd);
  const qScale = f32(postSd * Math.exp(inputs.logScaleShift));
  return buildCase({
    family: "normal-normal",
    seed: inputs.seed,
    data,
    priorParams: { loc: mu0, scale: s0, noiseScale: sigma },
    priorDist: () => new Normal(mu0, s0),
    likelihoodDist: (z) => new Normal(z, sigma),
    guideParams: [
      { name: "q.loc", positive: false },
      { name: "q.scale", positive: true },
    ],
    guideDist: ([loc, scale]) => new Normal(loc as tf.Tensor, scale as tf.Tensor),
    guideInit: { "q.loc": qLoc, "q.scale": qScale },
    posterior: { "q.loc": postMean, "q.scale": postSd },
    posteriorMean: postMean,
    posteriorSd: postSd,
    logJoint: (z) => normalLogPdf64(z, mu0, s0) + data.reduce((acc, x) => acc + normalLogPdf64(x, z, sigma), 0),
    logPosterior: (z) => normalLogPdf64(z, postMean, postSd),
    kl: (p) => klNormal(p["q.loc"]!, p["q.scale"]!, postMean, postSd),
  });
}
