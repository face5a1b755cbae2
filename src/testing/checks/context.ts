/**
 * Shared machinery of the kit's checks: running a case in a fresh param store under its own
 * random stream, collecting loss and gradient draws, and the analytic gradient of the loss
 * (the gradient of `KL(q ‖ p(z | x))`) by float64 central differences.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type fc from "fast-check";
import { RandomStream, withRandomStream } from "../../backend/random.js";
import { ParamStore, withParamStore } from "../../ppl/param-store.js";
import { BlockMessenger } from "../../ppl/handlers/block.js";
import type { ELBOEstimator, ModelFn } from "../../infer/elbo/estimator.js";
import type { Tolerance } from "../stats.js";
import type { ConjugateCase, GuideParamSpec, GuideParams } from "../conjugate/case.js";

/** Options every check accepts: Monte Carlo draws and the tolerance rule. */
export interface CheckOptions extends Tolerance {
  /** Monte Carlo draws (each check has its own default). */
  draws?: number;
}

/** Options of property builders: the checks' options plus the arbitrary of cases. */
export interface PropertyOptions extends CheckOptions {
  /** The cases to generate (default: every conjugate family). */
  cases?: fc.Arbitrary<ConjugateCase>;
}

/** Builds an estimator with a particle count and vectorization (e.g. `(o) => new TraceELBO(o)`). */
export type EstimatorFactory = (options: { numParticles: number; vectorizeParticles: boolean }) => ELBOEstimator;

/**
 * Runs `fn` with a fresh param store and a random stream seeded by `seed` and `label` (so
 * each check of a case draws its own reproducible numbers), restoring both afterwards.
 */
export function inCase<R>(seed: number, label: string, fn: (store: ParamStore) => R): R {
  const store = new ParamStore();
  try {
    return withParamStore(store, () => withRandomStream(new RandomStream(`${seed}:${label}`), () => fn(store)));
  } finally {
    store.clear();
  }
}

/** Runs the guide once, hidden from handlers, so its params exist in the current store. */
export function createParams(guide: ModelFn<[]>): void {
  tf.tidy(() => {
    new BlockMessenger().run(() => guide());
  });
}

/** `draws` values of `estimator.loss(model, guide)` (the negative ELBO), each under the current stream. */
export function lossDraws<A extends unknown[]>(estimator: ELBOEstimator, model: ModelFn<A>, guide: ModelFn<A>, args: A, draws: number): Float64Array {
  const out = new Float64Array(draws);
  for (let i = 0; i < draws; i++) out[i] = estimator.loss(model, guide, ...args);
  return out;
}

/**
 * `draws` gradients of `estimator.differentiableLoss(model, guide)` with respect to the
 * unconstrained variables of `names` (one Float64Array of draws per name, scalar params).
 */
export function gradientDraws<A extends unknown[]>(
  estimator: ELBOEstimator,
  model: ModelFn<A>,
  guide: ModelFn<A>,
  args: A,
  store: ParamStore,
  names: readonly string[],
  draws: number,
): Float64Array[] {
  const variables = names.map((n) => store.getUnconstrained(n));
  const out = names.map(() => new Float64Array(draws));
  for (let i = 0; i < draws; i++) {
    const { value, grads } = tf.variableGrads(() => estimator.differentiableLoss(model, guide, ...args), variables);
    value.dispose();
    variables.forEach((v, j) => {
      const g = grads[v.name];
      out[j]![i] = g ? g.dataSync()[0]! : 0;
    });
    tf.dispose(Object.values(grads));
  }
  return out;
}

/** The constrained value of a param from its unconstrained one. */
function constrain(spec: GuideParamSpec, u: number): number {
  return spec.positive ? Math.exp(u) : u;
}

function unconstrain(spec: GuideParamSpec, x: number): number {
  return spec.positive ? Math.log(x) : x;
}

/**
 * The analytic gradient of the loss `−ELBO = KL(q ‖ p(z | x)) − log p(x)` with respect to the
 * guide's unconstrained params (log of positive ones), by float64 central differences of
 * the closed-form KL, at `params`.
 */
export function analyticLossGradient(c: ConjugateCase, params: GuideParams = c.guideInit): number[] {
  return c.guideParams.map((spec) => {
    const u = unconstrain(spec, params[spec.name]!);
    const h = 1e-5 * Math.max(1, Math.abs(u));
    const at = (v: number) => c.klToPosterior({ ...params, [spec.name]: constrain(spec, v) });
    return (at(u + h) - at(u - h)) / (2 * h);
  });
}

/** Reads the guide params' constrained values from a store. */
export function readGuideParams(c: ConjugateCase, store: ParamStore): GuideParams {
  const out: Record<string, number> = {};
  for (const spec of c.guideParams) out[spec.name] = tf.tidy(() => store.get(spec.name).dataSync()[0]!);
  return out;
}
