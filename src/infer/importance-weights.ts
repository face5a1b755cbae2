/**
 * Log importance weights `log p(x, z_k) − log q(z_k)` of K guide draws, one execution per draw
 * or all K at once inside a plate (vectorized), as a differentiable `[K]` tensor.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { RandomStream, withRandomStream } from "../backend/random.js";
import { trace } from "../ppl/handlers/trace.js";
import { replay } from "../ppl/handlers/replay.js";
import { plate } from "../ppl/plate.js";
import type { Site, Trace } from "../ppl/trace-struct.js";
import type { ModelFn } from "./elbo/estimator.js";
import { maxPlateNesting } from "./elbo/traces.js";

/** The name of the plate that vectorizes importance samples. */
export const IMPORTANCE_PLATE = "_importance_samples";

/** Options of {@link logWeightTensor}. */
export interface WeightOptions {
  /** K, the number of guide draws. */
  numSamples: number;
  /**
   * Draw all K at once inside an outer plate at dim `-(maxPlateNesting + 1)` (the model and
   * guide must broadcast over it); default false: one execution per draw.
   */
  vectorize?: boolean;
}

/** The log weights and the guide traces they came from. */
export interface WeightDraws {
  /** `[K]` log weights, differentiable through reparameterized guide draws. */
  readonly logWeights: tf.Tensor1D;
  /** The guide traces (one, or one per draw). */
  readonly guideTraces: readonly Trace[];
}

function isGuideLatent(guideTrace: Trace, name: string): boolean {
  const g = guideTrace.nodes.get(name);
  return g !== undefined && g.type === "sample" && !g.isObserved;
}

/** Model sites that count: observed ones, and latent ones the guide samples (others cancel with their prior proposal). */
function modelSiteCounts(guideTrace: Trace) {
  return (site: Site) => site.isObserved || isGuideLatent(guideTrace, site.name);
}

function runPair<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A, wrap: <R>(fn: () => R) => R): { guideTrace: Trace; modelTrace: Trace } {
  const guideTrace = trace((...a: A) => wrap(() => guide(...a))).getTrace(...args);
  const modelTrace = trace(replay((...a: A) => wrap(() => model(...a)), { trace: guideTrace })).getTrace(...args);
  return { guideTrace, modelTrace };
}

const nestingCache = new WeakMap<object, WeakMap<object, number>>();

function nestingOf<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A): number {
  const cached = nestingCache.get(model)?.get(guide);
  if (cached !== undefined) return cached;
  const nesting = tf.tidy(() =>
    withRandomStream(new RandomStream("scvi-ts:importance-nesting"), () => {
      const { guideTrace, modelTrace } = runPair(model, guide, args, (fn) => fn());
      return maxPlateNesting([guideTrace, modelTrace]);
    }),
  );
  let byGuide = nestingCache.get(model);
  if (byGuide === undefined) {
    byGuide = new WeakMap();
    nestingCache.set(model, byGuide);
  }
  byGuide.set(guide, nesting);
  return nesting;
}

/** Sums a site's scaled log-density over every axis but the importance plate's, giving `[K]`. */
function perSample(trace: Trace, site: Site, k: number, dim: number): tf.Tensor {
  const lp = trace.scaledLogProb(site);
  const axis = lp.rank + dim;
  if (axis < 0 || lp.shape[axis] !== k) {
    // Not broadcast over the samples (cannot happen for sites inside the plate): the same for every k.
    return tf.mul(tf.ones([k]), tf.sum(lp));
  }
  const others = Array.from({ length: lp.rank }, (_, i) => i).filter((i) => i !== axis);
  return others.length === 0 ? lp : tf.sum(lp, others);
}

/**
 * K log importance weights of the guide as proposal for the model. Latent model sites the
 * guide does not sample are drawn from their prior and left out of both sums.
 */
export function logWeightTensor<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A, options: WeightOptions): WeightDraws {
  const k = options.numSamples;
  if (!Number.isInteger(k) || k < 1) throw new Error(`importance sampling: numSamples must be a positive integer, got ${k}`);
  if (!options.vectorize) {
    const weights: tf.Tensor[] = [];
    const guideTraces: Trace[] = [];
    for (let i = 0; i < k; i++) {
      const { guideTrace, modelTrace } = runPair(model, guide, args, (fn) => fn());
      const logP = modelTrace.logProbSum(modelSiteCounts(guideTrace));
      const logQ = guideTrace.logProbSum((site) => !site.isObserved);
      weights.push(tf.sub(logP, logQ));
      guideTraces.push(guideTrace);
    }
    return { logWeights: tf.stack(weights) as tf.Tensor1D, guideTraces };
  }
  const dim = -(nestingOf(model, guide, args) + 1);
  const { guideTrace, modelTrace } = runPair(model, guide, args, (fn) => plate(IMPORTANCE_PLATE, k, fn, { dim }));
  modelTrace.computeLogProbs();
  guideTrace.computeLogProbs();
  const counts = modelSiteCounts(guideTrace);
  const terms: tf.Tensor[] = [tf.zeros([k])];
  for (const site of modelTrace.sampleSites()) if (counts(site)) terms.push(perSample(modelTrace, site, k, dim));
  for (const site of guideTrace.sampleSites()) if (!site.isObserved) terms.push(tf.neg(perSample(guideTrace, site, k, dim)));
  return { logWeights: tf.addN(terms) as tf.Tensor1D, guideTraces: [guideTrace] };
}
