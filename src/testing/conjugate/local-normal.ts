/**
 * A model with local latents for subsampling checks: `z_i ~ N(priorLoc, priorScale)`,
 * `x_i ~ N(z_i, noiseScale)` for i in plate `data`, guide `z_i ~ N(q.locs[i], q.scales[i])`
 * in the same plate. The expected ELBO has a closed form, and a guide that looked at other
 * indices than the model would change it.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as constraints from "../../distributions/constraints.js";
import { Normal } from "../../distributions/normal.js";
import { param, sample } from "../../ppl/primitives.js";
import { plate } from "../../ppl/plate.js";
import { normalLogPdf64 } from "../special64.js";
import { f32 } from "./case.js";
import { klNormal } from "./normal-normal.js";

/** The raw inputs of a local-latent case. */
export interface LocalNormalInputs {
  /** The seed checks run this case's estimators under. */
  readonly seed: number;
  /** The observations, one latent each. */
  readonly data: readonly number[];
  /** Mean of each latent's Normal prior. */
  readonly priorLoc: number;
  /** Standard deviation of each latent's Normal prior. */
  readonly priorScale: number;
  /** Standard deviation of each observation around its latent. */
  readonly noiseScale: number;
  /** Per point: guide loc = posterior mean + shift · posterior sd (cycled when shorter than data). */
  readonly locShifts: readonly number[];
  /** Per point: guide scale = posterior sd · exp(shift) (cycled when shorter than data). */
  readonly logScaleShifts: readonly number[];
}

/** Options of the local case's model and guide. */
export interface LocalRunOptions {
  /** Subsample the data plate to this many points. */
  readonly subsampleSize?: number;
  /** Called with the plate's indices at every execution (to compare guide and model). */
  readonly onIndices?: (indices: number[]) => void;
}

/** A model with one latent per data point, its guide and the closed-form expected ELBO. */
export interface LocalLatentCase {
  /** The seed of the random stream checks run under. */
  readonly seed: number;
  /** The observations (float32 values). */
  readonly data: readonly number[];
  /** The model. */
  model(options?: LocalRunOptions): () => void;
  /** The guide (params `q.locs`, `q.scales` of length n, sliced to the subsample). */
  guide(options?: LocalRunOptions): () => void;
  /** `E_q[log p(x, z) − log q(z)]` over all data (closed form). */
  readonly expectedElbo: number;
  /** `log p(x)`. */
  readonly logEvidence: number;
  /** A one-line description. */
  toString(): string;
}

/** Builds a {@link LocalLatentCase}. */
export function localNormalCase(inputs: LocalNormalInputs): LocalLatentCase {
  const data = inputs.data.map(f32);
  const n = data.length;
  const mu0 = f32(inputs.priorLoc);
  const tau = f32(inputs.priorScale);
  const sigma = f32(inputs.noiseScale);
  const precision = 1 / (tau * tau) + 1 / (sigma * sigma);
  const postSd = Math.sqrt(1 / precision);
  const postMeans = data.map((x) => (mu0 / (tau * tau) + x / (sigma * sigma)) / precision);
  const cycle = (xs: readonly number[], i: number) => (xs.length === 0 ? 0 : xs[i % xs.length]!);
  const qLocs = postMeans.map((m, i) => f32(m + cycle(inputs.locShifts, i) * postSd));
  const qScales = postMeans.map((_, i) => f32(postSd * Math.exp(cycle(inputs.logScaleShifts, i))));
  const marginalSd = Math.sqrt(tau * tau + sigma * sigma);
  const logEvidence = data.reduce((acc, x) => acc + normalLogPdf64(x, mu0, marginalSd), 0);
  const kl = postMeans.reduce((acc, m, i) => acc + klNormal(qLocs[i]!, qScales[i]!, m, postSd), 0);
  const plateOptions = (o: LocalRunOptions) => (o.subsampleSize === undefined ? {} : { subsampleSize: o.subsampleSize });
  const text = `local-normal(seed ${inputs.seed}; prior loc=${mu0}, scale=${tau}, noise=${sigma}; n=${n}; E[ELBO]=${(logEvidence - kl).toPrecision(8)})`;
  return {
    seed: inputs.seed,
    data,
    model: (o: LocalRunOptions = {}) => () => {
      plate(
        "data",
        n,
        (idx) => {
          o.onIndices?.(Array.from(idx.dataSync()));
          const z = sample("z", new Normal(mu0, tau));
          const obs = tf.gather(tf.tensor1d(data, "float32"), idx);
          sample("x", new Normal(z, sigma), { obs });
        },
        plateOptions(o),
      );
    },
    guide: (o: LocalRunOptions = {}) => () => {
      plate(
        "data",
        n,
        (idx) => {
          o.onIndices?.(Array.from(idx.dataSync()));
          const loc = param("q.locs", () => tf.tensor1d(qLocs, "float32"), { eventDim: 0 });
          const scale = param("q.scales", () => tf.tensor1d(qScales, "float32"), { constraint: constraints.positive, eventDim: 0 });
          sample("z", new Normal(loc, scale));
        },
        plateOptions(o),
      );
    },
    expectedElbo: logEvidence - kl,
    logEvidence,
    toString: () => text,
  };
}
