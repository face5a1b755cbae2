/**
 * The shape of a conjugate test case — a model with closed-form evidence and posterior, a
 * parametrised guide family, the exact-posterior guide — and the builder shared by the
 * families (Normal–Normal, Gamma–Poisson, Beta–Bernoulli).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distribution } from "../../distributions/distribution.js";
import * as constraints from "../../distributions/constraints.js";
import { param, sample } from "../../ppl/primitives.js";
import { plate } from "../../ppl/plate.js";

/** The conjugate families the kit generates. */
export type ConjugateFamily = "normal-normal" | "gamma-poisson" | "beta-bernoulli";

/** One parameter of a guide family: its param name and whether it is constrained positive. */
export interface GuideParamSpec {
  /** The param site's name (e.g. `q.loc`). */
  readonly name: string;
  /** `true`: the param lives in (0, ∞) and is optimised as its log; `false`: real. */
  readonly positive: boolean;
}

/** Options of a case's guides. */
export interface GuideOptions {
  /** Force the score-function gradient at the latent site (`infer: { scoreFunction: true }`). */
  readonly scoreFunction?: boolean;
}

/** Options of a case's likelihood. */
export interface LikelihoodOptions {
  /** Subsample the data plate to this many points per execution (scaled by n / size). */
  readonly subsampleSize?: number;
  /** Observe these data instead of the case's (for masking checks). */
  readonly data?: readonly number[];
}

/** Plain-number guide parameters by param name (constrained values). */
export type GuideParams = Readonly<Record<string, number>>;

/**
 * A conjugate model `z ~ prior`, `x_i ~ likelihood(z)` (i in plate `data`) with its closed
 * forms, all in float64 from the float32 values the model actually uses.
 */
export interface ConjugateCase {
  /** Which family. */
  readonly family: ConjugateFamily;
  /** The seed of the random stream checks run this case's estimators under. */
  readonly seed: number;
  /** The latent site's name (`z`). */
  readonly latent: string;
  /** The observations (float32 values). */
  readonly data: readonly number[];
  /** The prior's parameters. */
  readonly priorParams: GuideParams;
  /** Samples the latent site from the prior and returns it. */
  readonly prior: () => tf.Tensor;
  /** Observes the data given the latent value, in plate `data`. */
  readonly likelihood: (z: tf.Tensor, options?: LikelihoodOptions) => void;
  /** The model: `likelihood(prior())`. */
  readonly model: () => void;
  /** The guide family, its params initialised at {@link ConjugateCase.guideInit}. */
  readonly guide: () => void;
  /** The guide family with options. */
  guideFamily(options?: GuideOptions): () => void;
  /** The guide family's params. */
  readonly guideParams: readonly GuideParamSpec[];
  /** The guide family's initial params (a perturbation of the posterior's). */
  readonly guideInit: GuideParams;
  /** A guide (no params) that draws from the exact posterior. */
  exactPosteriorGuide(options?: GuideOptions): () => void;
  /** The posterior's parameters, in the guide family's parametrisation. */
  readonly posterior: GuideParams;
  /** The posterior mean of the latent. */
  readonly posteriorMean: number;
  /** The posterior standard deviation of the latent. */
  readonly posteriorSd: number;
  /** `log p(x)`, closed form. */
  readonly logEvidence: number;
  /** `KL(q_params ‖ p(z | x))`, closed form. */
  klToPosterior(params: GuideParams): number;
  /** A one-line description (printed by failing checks). */
  toString(): string;
}

/** What a family supplies to {@link buildCase}. */
export interface FamilySpec {
  /** Which family. */
  readonly family: ConjugateFamily;
  /** The seed checks run the case under. */
  readonly seed: number;
  /** The observations (float32 values). */
  readonly data: readonly number[];
  /** The prior's parameters, for the case's description. */
  readonly priorParams: GuideParams;
  /** The prior of the latent `z`. */
  readonly priorDist: () => Distribution;
  /** The distribution of one observation given `z`. */
  readonly likelihoodDist: (z: tf.Tensor) => Distribution;
  /** The guide family's params. */
  readonly guideParams: readonly GuideParamSpec[];
  /** The guide distribution from the guide params' values, in `guideParams` order. */
  readonly guideDist: (values: readonly tf.Tensor[]) => Distribution;
  /** The guide params' initial (constrained) values. */
  readonly guideInit: GuideParams;
  /** The exact posterior, in the guide family's parametrisation. */
  readonly posterior: GuideParams;
  /** The posterior mean of `z`. */
  readonly posteriorMean: number;
  /** The posterior standard deviation of `z`. */
  readonly posteriorSd: number;
  /** `log p(x, z)` in float64. */
  readonly logJoint: (z: number) => number;
  /** `log p(z | x)` in float64. */
  readonly logPosterior: (z: number) => number;
  /** `KL(q_params ‖ p(z | x))` in float64. */
  readonly kl: (params: GuideParams) => number;
}

/** Rounds to float32 (what the model's tensors hold). */
export const f32 = Math.fround;

function fmtParams(p: GuideParams): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${v.toPrecision(5)}`)
    .join(", ");
}

/** Builds a {@link ConjugateCase} from a family's pieces. */
export function buildCase(spec: FamilySpec): ConjugateCase {
  const latent = "z";
  const n = spec.data.length;
  const prior = () => sample(latent, spec.priorDist());
  const likelihood = (z: tf.Tensor, options: LikelihoodOptions = {}) => {
    const data = options.data ?? spec.data;
    const size = data.length;
    plate(
      "data",
      size,
      (idx) => {
        const all = tf.tensor1d([...data], "float32");
        const obs = idx.shape[0] === size ? all : tf.gather(all, idx);
        sample("x", spec.likelihoodDist(z), { obs });
      },
      options.subsampleSize === undefined ? {} : { subsampleSize: options.subsampleSize },
    );
  };
  const guideFamily = (options: GuideOptions = {}) => () => {
    const values = spec.guideParams.map((p) =>
      param(p.name, () => tf.scalar(spec.guideInit[p.name]!), p.positive ? { constraint: constraints.positive } : {}),
    );
    sample(latent, spec.guideDist(values), options.scoreFunction ? { infer: { scoreFunction: true } } : {});
  };
  const exactPosteriorGuide = (options: GuideOptions = {}) => () => {
    const values = spec.guideParams.map((p) => tf.scalar(spec.posterior[p.name]!));
    sample(latent, spec.guideDist(values), options.scoreFunction ? { infer: { scoreFunction: true } } : {});
  };
  const logEvidence = spec.logJoint(spec.posteriorMean) - spec.logPosterior(spec.posteriorMean);
  const text = `${spec.family}(seed ${spec.seed}; prior ${fmtParams(spec.priorParams)}; n=${n}, data [${spec.data.map((x) => x.toPrecision(4)).join(", ")}]; guide ${fmtParams(spec.guideInit)}; posterior ${fmtParams(spec.posterior)}; log p(x)=${logEvidence.toPrecision(8)})`;
  return {
    family: spec.family,
    seed: spec.seed,
    latent,
    data: spec.data,
    priorParams: spec.priorParams,
    prior,
    likelihood,
    model: () => likelihood(prior()),
    guide: guideFamily(),
    guideFamily,
    guideParams: spec.guideParams,
    guideInit: spec.guideInit,
    exactPosteriorGuide,
    posterior: spec.posterior,
    posteriorMean: spec.posteriorMean,
    posteriorSd: spec.posteriorSd,
    logEvidence,
    klToPosterior: spec.kl,
    toString: () => text,
  };
}
