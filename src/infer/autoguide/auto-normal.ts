/**
 * `AutoNormal`: a mean-field Normal guide in unconstrained space, one `loc` and one `scale`
 * param per latent site (Pyro's `AutoNormal`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as constraints from "../../distributions/constraints.js";
import type { Distribution } from "../../distributions/distribution.js";
import { Normal } from "../../distributions/normal.js";
import { TransformedDistribution } from "../../distributions/transformed-distribution.js";
import { param, sample } from "../../ppl/primitives.js";
import type { ModelFn } from "../elbo/estimator.js";
import { AutoGuide, type AutoGuideOptions } from "./autoguide.js";
import { initToFeasible } from "./initialization.js";
import { normalQuantile } from "./normal-quantile.js";
import type { LatentSiteInfo } from "./prototype.js";

/** Options of {@link AutoNormal}. */
export interface AutoNormalOptions<A extends unknown[]> extends AutoGuideOptions<A> {
  /** Initial scale of every site's Normal in unconstrained space (default 0.1). */
  initScale?: number;
}

/**
 * A guide that draws each latent site `z` as `bijectTo(support)(u)` with
 * `u ~ Normal(loc, scale)` independently per element (log-det-Jacobian accounted: the site's
 * guide distribution is the `TransformedDistribution`, or the Normal itself for real sites).
 * Params are `<prefix>.locs.<site>` and `<prefix>.scales.<site>`; inside plates they hold
 * the full plate and are sliced to the subsample. Default init: {@link initToFeasible}.
 *
 * @example
 * ```ts
 * const guide = new AutoNormal(model);
 * const svi = new SVI(model, guide, new Adam({ lr: 0.05 }), new TraceELBO());
 * for (let i = 0; i < 1000; i++) svi.step(data);
 * const { z } = guide.median(data);
 * ```
 */
export class AutoNormal<A extends unknown[]> extends AutoGuide<A> {
  /** The initial unconstrained scale. */
  readonly initScale: number;

  constructor(model: ModelFn<A>, options: AutoNormalOptions<A> = {}) {
    super(model, options, initToFeasible());
    const initScale = options.initScale ?? 0.1;
    if (!(initScale > 0) || !Number.isFinite(initScale)) throw new Error(`AutoNormal: initScale must be a positive number, got ${initScale}`);
    this.initScale = initScale;
  }

  /** Name of the site's `loc` param. */
  locName(site: string): string {
    return `${this.prefix}.locs.${site}`;
  }

  /** Name of the site's `scale` param. */
  scaleName(site: string): string {
    return `${this.prefix}.scales.${site}`;
  }

  private locInit(site: LatentSiteInfo): () => tf.Tensor {
    return () => tf.tensor(site.initUnconstrained, [...site.unconstrainedShape], "float32");
  }

  private scaleInit(site: LatentSiteInfo): () => tf.Tensor {
    return () => tf.fill([...site.unconstrainedShape], this.initScale, "float32");
  }

  /** The guide distribution of one site given its (sliced) unconstrained loc and scale. */
  private siteDistribution(site: LatentSiteInfo, loc: tf.Tensor, scale: tf.Tensor): Distribution {
    const base = new Normal(loc, scale, { validateArgs: false }).toEvent(site.unconstrainedEventDim);
    return site.isReal ? base : new TransformedDistribution(base, site.transform, { validateArgs: false });
  }

  protected override sampleSite(site: LatentSiteInfo): tf.Tensor {
    const store = this.storeOption;
    const eventDim = site.unconstrainedEventDim;
    const loc = param(this.locName(site.name), this.locInit(site), { eventDim, store });
    const scale = param(this.scaleName(site.name), this.scaleInit(site), { constraint: constraints.positive, eventDim, store });
    return sample(site.name, this.siteDistribution(site, loc, scale));
  }

  /** The unconstrained loc and scale of a site at full plate size (read from the store). */
  private locAndScale(site: LatentSiteInfo): [tf.Tensor, tf.Tensor] {
    const store = this.paramStore();
    return [store.get(this.locName(site.name), this.locInit(site)), store.get(this.scaleName(site.name), this.scaleInit(site), constraints.positive)];
  }

  /** The posterior median: `bijectTo(support)(loc)` per site. */
  median(...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    return tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) out[site.name] = tf.clone(site.transform.forward(this.locAndScale(site)[0]));
      return out;
    });
  }

  /**
   * Quantiles `bijectTo(support)(loc + scale · Φ⁻¹(q))` per site, stacked along a new first
   * axis (exact for elementwise monotone transforms).
   */
  quantiles(qs: readonly number[], ...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    const z = qs.map((q) => {
      if (!(q > 0 && q < 1)) throw new Error(`AutoNormal.quantiles: quantiles must be in (0, 1), got ${q}`);
      return normalQuantile(q);
    });
    return tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) {
        const [loc, scale] = this.locAndScale(site);
        out[site.name] = tf.stack(z.map((zq) => site.transform.forward(tf.add(loc, tf.mul(scale, zq)))));
      }
      return out;
    });
  }
}
