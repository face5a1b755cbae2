/**
 * `TraceMeanFieldELBO`: the trace ELBO with analytic KL divergences where they are registered
 * (anchor: Pyro's `pyro/infer/trace_mean_field_elbo.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo } from "../../backend/tensor.js";
import { klDivergence } from "../../distributions/kl/index.js";
import type { Site, Trace } from "../../ppl/trace-struct.js";
import { addScalars, isReparameterized, scaledSum } from "./site-terms.js";
import { TraceELBO, type ParticleTerms, type TraceELBOOptions } from "./trace-elbo.js";
import type { TracePair } from "./traces.js";

const NOT_REGISTERED = "klDivergence: no KL divergence is registered";

/** `KL(q ‖ p)` when registered (for wrapped distributions too), else undefined. */
function tryKL(q: Site, p: Site): tf.Tensor | undefined {
  try {
    return klDivergence(q.fn!, p.fn!);
  } catch (err) {
    if (err instanceof Error && err.message.startsWith(NOT_REGISTERED)) return undefined;
    throw new Error(`site '${q.name}': ${(err as Error).message}`);
  }
}

/** Computes a site's log-density if the trace has not (the trace computes all at once otherwise). */
function ensureLogProb(trace: Trace, site: Site): void {
  if (site.logProb !== undefined) return;
  try {
    site.logProb = site.fn!.logProb(site.value);
  } catch (err) {
    throw new Error(`site '${site.name}': ${(err as Error).message}\n${trace.formatShapes()}`);
  }
}

/** The KL tensor with the guide site's mask and scale applied, summed. */
function scaledKLSum(kl: tf.Tensor, site: Site): tf.Tensor {
  let out = kl;
  if (site.mask === false) return tf.scalar(0);
  if (site.mask !== null && site.mask !== true) {
    const shape = broadcastShapes([kl.shape, site.mask.shape], `mask of site '${site.name}'`);
    const full = broadcastTo(kl, shape);
    out = tf.where(broadcastTo(tf.cast(site.mask, "bool"), shape), full, tf.zerosLike(full));
  }
  const total = tf.sum(out);
  return site.scale === 1 ? total : tf.mul(total, site.scale);
}

/**
 * The trace ELBO for mean-field guides: for each latent site, `−KL(q ‖ p)` in closed form
 * when `klDivergence(guideDist, modelDist)` is registered (evaluated at the guide's draws of the
 * other latents), and the Monte Carlo term `log p − log q` otherwise. Lower variance than
 * {@link TraceELBO}; the same expectation.
 *
 * What is checked:
 * - every guide latent site is reparameterized (`hasRsample`, no `infer.scoreFunction`):
 *   otherwise an error names the site (gradients through downstream model terms would be
 *   lost, and this estimator has no score-function terms);
 * - the latent sites appear in the same order in the model and the guide; when they do not,
 *   a warning (once per estimator) says that the analytic KL may be biased unless the guide
 *   is fully factorised (Pyro's `_check_mean_field_requirement`). Same order is sufficient,
 *   not necessary: a guide whose sites do not depend on each other is always fine.
 *
 * What cannot be checked: that the guide's distribution at a site does not depend on latents
 * the guide samples later, and that the model's distribution at a site does not depend on
 * latents that the guide draws after it from a distribution depending on it. Write guides whose
 * sites depend only on data, parameters and latents sampled earlier in model order.
 *
 * @example
 * ```ts
 * const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new TraceMeanFieldELBO());
 * ```
 */
export class TraceMeanFieldELBO extends TraceELBO {
  private warnedOrder = false;

  constructor(options: TraceELBOOptions = {}) {
    super(options);
  }

  protected override particleTerms(pair: TracePair, _withSurrogate: boolean): ParticleTerms {
    const { modelTrace, guideTrace } = pair;
    this.checkMeanField(modelTrace, guideTrace);
    const plus: tf.Tensor[] = [];
    const minus: tf.Tensor[] = [];
    for (const site of modelTrace.nodes.values()) {
      if (site.type !== "sample") continue;
      if (site.isObserved) {
        ensureLogProb(modelTrace, site);
        plus.push(scaledSum(modelTrace, site));
        continue;
      }
      const q = guideTrace.nodes.get(site.name)!;
      const kl = tryKL(q, site);
      if (kl !== undefined) {
        minus.push(scaledKLSum(kl, q));
      } else {
        ensureLogProb(modelTrace, site);
        ensureLogProb(guideTrace, q);
        plus.push(scaledSum(modelTrace, site));
        minus.push(scaledSum(guideTrace, q));
      }
    }
    // Guide sites the model does not have (observed guide sites): part of log q.
    for (const site of guideTrace.nodes.values()) {
      if (site.type !== "sample" || modelTrace.nodes.has(site.name)) continue;
      ensureLogProb(guideTrace, site);
      minus.push(scaledSum(guideTrace, site));
    }
    return { elbo: tf.sub(addScalars(plus), addScalars(minus)) };
  }

  private checkMeanField(modelTrace: Trace, guideTrace: Trace): void {
    for (const site of guideTrace.nodes.values()) {
      if (site.type === "sample" && !site.isObserved && !isReparameterized(site)) {
        throw new Error(
          `TraceMeanFieldELBO: guide site '${site.name}' is not reparameterized (${site.fn?.name ?? "?"}${site.infer.scoreFunction ? " with infer.scoreFunction" : ""}); use TraceELBO for score-function gradients`,
        );
      }
    }
    if (this.warnedOrder) return;
    const modelOrder = modelTrace.latentSites().map((s) => s.name);
    const guideOrder = guideTrace.latentSites().map((s) => s.name).filter((n) => modelTrace.nodes.has(n));
    if (modelOrder.some((n, i) => guideOrder[i] !== n)) {
      this.warnedOrder = true;
      console.warn(
        `TraceMeanFieldELBO: the guide samples its latent sites in another order than the model (model: ${modelOrder.join(", ")}; guide: ${guideOrder.join(", ")}); the analytic KL terms are unbiased only if the guide is fully factorised`,
      );
    }
  }
}
