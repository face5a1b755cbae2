/**
 * Deliberately wrong ELBO estimators, each with one bug a researcher could write, used to show
 * that the kit's checks fail on them.
 */
import * as tf from "@tensorflow/tfjs";
import { trace, replay, Trace } from "../../src/ppl/index.js";
import { nextSeed } from "../../src/backend/random.js";
import type { ELBOEstimator, ModelFn } from "../../src/infer/index.js";

type Sum = (tr: Trace, latentOnly: boolean) => tf.Tensor;

/** Scaled, masked sums as the PPL defines them. */
const correctSum: Sum = (tr, latentOnly) => tr.logProbSum((s) => !latentOnly || !s.isObserved);

/** A plain trace-pair estimator: ELBO = Σ model − Σ guide (pathwise only, no surrogate). */
class PlainELBO implements ELBOEstimator {
  constructor(
    private readonly sum: Sum = correctSum,
    private readonly guideWeight = 1,
    private readonly replayPlates = true,
  ) {}

  protected elbo<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, args: A): tf.Tensor {
    const guideTrace = trace(guide).getTrace(...args);
    let replayed = guideTrace;
    if (!this.replayPlates) {
      replayed = new Trace();
      for (const [name, site] of guideTrace.nodes) if (site.type !== "plate") replayed.nodes.set(name, site);
    }
    const modelTrace = trace(replay(model, { trace: replayed })).getTrace(...args);
    return tf.sub(this.sum(modelTrace, false), tf.mul(this.sum(guideTrace, true), this.guideWeight));
  }

  loss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): number {
    const v = tf.tidy(() => tf.neg(this.elbo(model, guide, args)));
    const out = v.dataSync()[0]!;
    v.dispose();
    return out;
  }

  differentiableLoss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): tf.Scalar {
    return tf.tidy(() => tf.neg(this.elbo(model, guide, args)) as tf.Scalar);
  }
}

/** Bug: drops the entropy term (−E_q[log q]): the "ELBO" is E_q[log p(x, z)]. */
export const noEntropyELBO = (): ELBOEstimator => new PlainELBO(correctSum, 0);

/** Bug: ignores the plates' `size / subsampleSize` scale (and any `scale` handler). */
export const unscaledELBO = (): ELBOEstimator =>
  new PlainELBO((tr, latentOnly) =>
    tf.tidy(() => {
      tr.computeLogProbs();
      let total: tf.Tensor = tf.scalar(0);
      for (const site of tr.sampleSites()) {
        if (latentOnly && site.isObserved) continue;
        const masked = site.mask === null || site.mask === true ? site.logProb! : tf.div(tr.scaledLogProb(site), site.scale);
        total = tf.add(total, tf.sum(masked));
      }
      return total;
    }),
  );

/** Bug: no score-function term, so non-reparameterized guide sites get a biased gradient. */
export const noScoreFunctionELBO = (): ELBOEstimator => new PlainELBO();

/** Bug: the model is replayed on the guide's latents but draws its own plate subsample. */
export const unreplayedPlatesELBO = (): ELBOEstimator => new PlainELBO(correctSum, 1, false);

/** Bug: `loss` consumes an extra random number first, so it sees other draws than `differentiableLoss` and SVI. */
export class DriftingLossELBO extends PlainELBO {
  override loss<A extends unknown[]>(model: ModelFn<A>, guide: ModelFn<A>, ...args: A): number {
    nextSeed();
    return super.loss(model, guide, ...args);
  }
}
