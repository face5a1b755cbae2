/**
 * `AutoDelta`: a point-mass guide (MAP estimation), one constrained param per latent site
 * (Pyro's `AutoDelta`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Delta } from "../../distributions/delta.js";
import { param, sample } from "../../ppl/primitives.js";
import type { ModelFn } from "../elbo/estimator.js";
import { AutoGuide, type AutoGuideOptions } from "./autoguide.js";
import { initToMedian } from "./initialization.js";
import type { LatentSiteInfo } from "./prototype.js";

/**
 * A guide that puts each latent site at a point, a param `<prefix>.locs.<site>` living in the
 * site's support: with `TraceELBO`, SVI then maximises the joint density (MAP). Inside plates
 * the param holds the full plate and is sliced to the subsample. Default init:
 * {@link initToMedian}.
 *
 * @example
 * ```ts
 * const guide = new AutoDelta(model);
 * // ... SVI steps ...
 * const { rate } = guide.median(data); // the MAP estimate
 * ```
 */
export class AutoDelta<A extends unknown[]> extends AutoGuide<A> {
  constructor(model: ModelFn<A>, options: AutoGuideOptions<A> = {}) {
    super(model, options, initToMedian());
  }

  /** Name of the site's param. */
  locName(site: string): string {
    return `${this.prefix}.locs.${site}`;
  }

  private init(site: LatentSiteInfo): () => tf.Tensor {
    return () => tf.tensor(site.initConstrained, [...site.shape], "float32");
  }

  protected override sampleSite(site: LatentSiteInfo): tf.Tensor {
    const value = param(this.locName(site.name), this.init(site), { constraint: site.support, eventDim: site.eventDim, store: this.storeOption });
    return sample(site.name, new Delta(value, { eventDim: site.eventDim, validateArgs: false }));
  }

  private value(site: LatentSiteInfo): tf.Tensor {
    return this.paramStore().get(this.locName(site.name), this.init(site), site.support);
  }

  /** The point estimate of every latent site (full plate sizes). */
  median(...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    return tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) out[site.name] = tf.clone(this.value(site));
      return out;
    });
  }

  /** Every quantile of a point mass is the point: the estimate stacked `qs.length` times. */
  quantiles(qs: readonly number[], ...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    for (const q of qs) if (!(q >= 0 && q <= 1)) throw new Error(`AutoDelta.quantiles: quantiles must be in [0, 1], got ${q}`);
    return tf.tidy(() => {
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) {
        const v = this.value(site);
        out[site.name] = tf.stack(qs.map(() => v));
      }
      return out;
    });
  }
}
