/**
 * `TraceELBO`: the Monte Carlo ELBO of a guide trace and the model replayed against it, with an
 * unbiased surrogate gradient (anchor: Pyro's `pyro/infer/trace_elbo.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { RandomStream, withRandomStream } from "../../backend/random.js";
import { stopGradient } from "../../backend/tensor.js";
import type { Trace } from "../../ppl/trace-struct.js";
import type { ELBOEstimator, ModelFn, NonFiniteSite } from "./estimator.js";
import { sumToPlates, type LogRatioTerm } from "./log-ratio.js";
import { addScalars, isReparameterized, maskedLogProb, weightedSum } from "./site-terms.js";
import { firstNonFiniteIn, maxPlateNesting, runGuideThenModel, type TracePair } from "./traces.js";

/** Options of {@link TraceELBO} (and {@link TraceMeanFieldELBO}). */
export interface TraceELBOOptions {
  /** Particles (guide draws) averaged per estimate (default 1). */
  numParticles?: number;
  /**
   * Compute all particles in one pass, inside an extra outer plate at dim
   * `-(maxPlateNesting + 1)` (default false). The model and guide must broadcast over it.
   */
  vectorizeParticles?: boolean;
  /**
   * The number of batch dims the model and guide use (deepest plate dim). Discovered from one
   * trace (drawn from a separate stream, so the global one is untouched) when omitted.
   */
  maxPlateNesting?: number;
}

/** One particle's (or one vectorized batch of particles') loss terms. */
export interface ParticleTerms {
  /** The negative ELBO estimate summed over the particles of the pair (differentiable). */
  readonly loss: tf.Tensor;
  /** The negative surrogate ELBO, whose gradient is unbiased, when it differs from `loss`. */
  readonly surrogateLoss?: tf.Tensor;
}

/**
 * The trace ELBO: `E_q[log p(x, z) − log q(z)]` estimated from guide draws, negated as a loss.
 *
 * Gradients are pathwise at reparameterized guide sites (`hasRsample` and no
 * `infer.scoreFunction`) and score-function terms elsewhere: each non-reparameterized guide
 * site adds `sum(logR · log q_site)`, where `logR` is the detached `log p − log q` of every
 * site (scaled and masked, as in the ELBO) summed down to that site's plates (Pyro's
 * `log_r.sum_to(cond_indep_stack)`), and `log q_site` is the site's unscaled, unmasked
 * log-density (the score of the distribution the value was drawn from; Pyro's `ScoreParts`
 * does not scale it either, so subsampled plates are not scaled twice).
 *
 * A latent site of the guide missing in the model, or a latent model site the guide does not
 * sample, throws an error naming the site.
 *
 * @example
 * ```ts
 * const elbo = new TraceELBO({ numParticles: 8, vectorizeParticles: true });
 * const value = elbo.loss(model, guide, data);
 * const surrogate = elbo.differentiableLoss(model, guide, data); // a tf.Scalar to differentiate
 * ```
 */
export class TraceELBO implements ELBOEstimator {
  /** Particles per estimate. */
  readonly numParticles: number;
  /** Whether particles are vectorized in a plate. */
  readonly vectorizeParticles: boolean;
  private readonly givenNesting: number | undefined;
  private readonly nestingCache = new WeakMap<object, WeakMap<object, number>>();

  constructor(options: TraceELBOOptions = {}) {
    const kind = new.target.name;
    this.numParticles = options.numParticles ?? 1;
    if (!Number.isInteger(this.numParticles) || this.numParticles < 1) {
      throw new Error(`${kind}: numParticles must be a positive integer, got ${this.numParticles}`);
    }
    this.vectorizeParticles = options.vectorizeParticles ?? false;
    if (options.maxPlateNesting !== undefined && !(Number.isInteger(options.maxPlateNesting) && options.maxPlateNesting >= 0)) {
      throw new Error(`${kind}: maxPlateNesting must be an integer >= 0, got ${options.maxPlateNesting}`);
    }
    this.givenNesting = options.maxPlateNesting;
  }

  /** The negative ELBO averaged over particles, as a number. */
  loss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): number {
    const value = tf.tidy(() => this.mean(this.tracePairs(model, guide, args).map((pair) => this.particleTerms(pair, false).loss)));
    const out = value.dataSync()[0]!;
    value.dispose();
    return out;
  }

  /**
   * The negative ELBO averaged over particles as a scalar tensor: its value equals
   * {@link TraceELBO.loss} for the same draws, its gradient is the surrogate's. The caller
   * disposes it.
   */
  differentiableLoss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): tf.Scalar {
    return tf.tidy(() => {
      const losses: tf.Tensor[] = [];
      const surrogates: tf.Tensor[] = [];
      let anySurrogate = false;
      for (const pair of this.tracePairs(model, guide, args)) {
        const { loss, surrogateLoss } = this.particleTerms(pair, true);
        losses.push(loss);
        surrogates.push(surrogateLoss ?? loss);
        anySurrogate ||= surrogateLoss !== undefined;
      }
      if (!anySurrogate) return this.mean(losses);
      // value = loss, gradient = surrogate's: surrogate + detach(loss - surrogate).
      const loss = this.mean(losses);
      const surrogate = this.mean(surrogates);
      return tf.add(surrogate, stopGradient(tf.sub(loss, surrogate))) as tf.Scalar;
    });
  }

  /** The average of per-pair sums over `numParticles` (no op for one particle). */
  private mean(terms: readonly tf.Tensor[]): tf.Scalar {
    const total = addScalars(terms);
    return (this.numParticles === 1 ? total : tf.div(total, this.numParticles)) as tf.Scalar;
  }

  /** Re-runs the particles' traces and returns the first non-finite site (guide first). */
  findNonFiniteSite<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): NonFiniteSite | undefined {
    let found: NonFiniteSite | undefined;
    tf.tidy(() => {
      const pairs = this.tracePairs(model, guide, args);
      for (let i = 0; i < pairs.length && found === undefined; i++) found = firstNonFiniteIn(pairs[i]!, i);
    });
    return found;
  }

  /**
   * The trace pairs of one estimate: `numParticles` pairs, or one pair in the particle plate
   * when vectorized. Subclasses reuse it.
   */
  protected tracePairs<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A): TracePair[] {
    if (this.vectorizeParticles) {
      const nesting = this.nestingFor(model, guide, args);
      return [runGuideThenModel(model, guide, args, { size: this.numParticles, dim: -(nesting + 1) })];
    }
    const pairs: TracePair[] = [];
    for (let i = 0; i < this.numParticles; i++) pairs.push(runGuideThenModel(model, guide, args));
    return pairs;
  }

  /** The loss (and surrogate loss) of one pair of traces; see the class comment. */
  protected particleTerms(pair: TracePair, withSurrogate: boolean): ParticleTerms {
    const { modelTrace, guideTrace } = pair;
    modelTrace.computeLogProbs();
    guideTrace.computeLogProbs();
    const modelSites = modelTrace.sampleSites();
    const guideSites = guideTrace.sampleSites();
    // loss = Σ_guide scale · log q − Σ_model scale · log p, in one fused op.
    const terms = [...guideSites, ...modelSites].map(maskedLogProb);
    const weights = [...guideSites.map((s) => s.scale), ...modelSites.map((s) => -s.scale)];
    const loss = weightedSum(terms, weights);
    if (!withSurrogate) return { loss };
    const scoreSites = guideSites.filter((s) => !isReparameterized(s));
    if (scoreSites.length === 0) return { loss };
    // The surrogate drops log q of score-function sites (its value is detached) and adds
    // −sum(logR · log q_site) for each. log_r is scaled (it estimates the loss); the score
    // ∇log q is not (Pyro's ScoreParts).
    const logR = logRatioTerms(modelTrace, guideTrace);
    const sTerms: tf.Tensor[] = [];
    const sWeights: number[] = [];
    guideSites.forEach((site, i) => {
      if (!isReparameterized(site)) return;
      sTerms.push(terms[i]!);
      sWeights.push(weights[i]!);
    });
    modelSites.forEach((_, j) => {
      sTerms.push(terms[guideSites.length + j]!);
      sWeights.push(weights[guideSites.length + j]!);
    });
    for (const site of scoreSites) {
      sTerms.push(tf.mul(sumToPlates(logR, site.plates), site.logProb!));
      sWeights.push(-1);
    }
    return { loss, surrogateLoss: weightedSum(sTerms, sWeights) };
  }

  private nestingFor<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A): number {
    if (this.givenNesting !== undefined) return this.givenNesting;
    let byGuide = this.nestingCache.get(model);
    const cached = byGuide?.get(guide);
    if (cached !== undefined) return cached;
    const nesting = tf.tidy(() =>
      withRandomStream(new RandomStream("scvi-ts:max-plate-nesting"), () => {
        const { guideTrace, modelTrace } = runGuideThenModel(model, guide, args);
        return maxPlateNesting([guideTrace, modelTrace]);
      }),
    );
    if (byGuide === undefined) {
      byGuide = new WeakMap();
      this.nestingCache.set(model, byGuide);
    }
    byGuide.set(guide, nesting);
    return nesting;
  }
}

/**
 * The detached log-ratio terms of a pair of traces: per model sample site, its scaled
 * log-density, minus the guide's for latent sites, with the model site's plates.
 */
export function logRatioTerms(modelTrace: Trace, guideTrace: Trace): LogRatioTerm[] {
  const terms: LogRatioTerm[] = [];
  for (const site of modelTrace.sampleSites()) {
    let value = modelTrace.scaledLogProb(site);
    const g = guideTrace.nodes.get(site.name);
    if (!site.isObserved && g !== undefined && g.type === "sample") value = tf.sub(value, guideTrace.scaledLogProb(g));
    terms.push({ value: stopGradient(value), plates: site.plates });
  }
  return terms;
}
