/**
 * `TraceMeanFieldELBO`: the trace ELBO with analytic KL divergences where they are registered
 * (anchor: Pyro's `pyro/infer/trace_mean_field_elbo.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { klDivergence } from "../../distributions/index.js";
import type { Site, Trace } from "../../ppl/trace-struct.js";
import { applyMask, isReparameterized, maskedLogProb, weightedSum } from "./site-terms.js";
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
    // loss = Σ scale · KL(q ‖ p) + Σ (scale · log q − scale · log p) for MC sites − Σ scale · log p(obs).
    const terms: tf.Tensor[] = [];
    const weights: number[] = [];
    const add = (t: tf.Tensor, w: number) => {
      terms.push(t);
      weights.push(w);
    };
    for (const site of modelTrace.nodes.values()) {
      if (site.type !== "sample") continue;
      if (site.isObserved) {
        ensureLogProb(modelTrace, site);
        add(maskedLogProb(site), -site.scale);
        continue;
      }
      const q = guideTrace.nodes.get(site.name)!;
      const kl = tryKL(q, site);
      if (kl !== undefined) {
        add(applyMask(kl, q), q.scale);
      } else {
        ensureLogProb(modelTrace, site);
        ensureLogProb(guideTrace, q);
        add(maskedLogProb(site), -site.scale);
        add(maskedLogProb(q), q.scale);
      }
    }
    // Guide sites the model does not have (observed guide sites): part of log q.
    for (const site of guideTrace.nodes.values()) {
      if (site.type !== "sample" || modelTrace.nodes.has(site.name)) continue;
      ensureLogProb(guideTrace, site);
      add(maskedLogProb(site), site.scale);
    }
    return { loss: weightedSum(terms, weights) };
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
