/**
 * `AutoDiagonalNormal`: a Normal guide with diagonal covariance over one flat vector of every
 * latent site's unconstrained values (Pyro's `AutoDiagonalNormal`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sizeOf } from "../../backend/tensor.js";
import * as constraints from "../../distributions/constraints.js";
import { Normal } from "../../distributions/normal.js";
import { TransformedDistribution } from "../../distributions/transformed-distribution.js";
import { param, sample } from "../../ppl/primitives.js";
import type { ModelFn } from "../elbo/estimator.js";
import { AutoGuide, type AutoGuideOptions } from "./autoguide.js";
import { initToMedian } from "./initialization.js";
import { normalQuantile } from "./normal-quantile.js";
import type { LatentSiteInfo, Prototype } from "./prototype.js";

/** Options of {@link AutoDiagonalNormal}. */
export interface AutoDiagonalNormalOptions<A extends unknown[]> extends AutoGuideOptions<A> {
  /** Initial scale of every coordinate in unconstrained space (default 0.1). */
  initScale?: number;
}

/**
 * A guide over the concatenation `u` of all latent sites' unconstrained values,
 * `u ~ Normal(loc, scale)` with two flat params `<prefix>.loc` and `<prefix>.scale` of length
 * D (the total latent dimension); each site's value is `bijectTo(support)` of its slice.
 * A diagonal Normal factorises, so each site is sampled from its own slice (no auxiliary
 * site) and every ELBO sees ordinary guide sites. Plates are re-entered but cannot be
 * subsampled (as in Pyro): a subsampled plate is an error. Default init: {@link initToMedian}.
 *
 * @example
 * ```ts
 * const guide = new AutoDiagonalNormal(model);
 * ```
 */
export class AutoDiagonalNormal<A extends unknown[]> extends AutoGuide<A> {
  /** The initial unconstrained scale. */
  readonly initScale: number;
  private offsets = new Map<string, number>();
  private initLocFlat: Float32Array | undefined;

  constructor(model: ModelFn<A>, options: AutoDiagonalNormalOptions<A> = {}) {
    super(model, options, initToMedian());
    const initScale = options.initScale ?? 0.1;
    if (!(initScale > 0) || !Number.isFinite(initScale)) {
      throw new Error(`AutoDiagonalNormal: initScale must be a positive number, got ${initScale}`);
    }
    this.initScale = initScale;
  }

  /** Name of the flat `loc` param. */
  get locName(): string {
    return `${this.prefix}.loc`;
  }

  /** Name of the flat `scale` param. */
  get scaleName(): string {
    return `${this.prefix}.scale`;
  }

  /** The total latent dimension D (0 before the first call). */
  get latentDim(): number {
    return this.initLocFlat?.length ?? 0;
  }

  protected override checkPrototype(proto: Prototype): void {
    for (const site of proto.sites) {
      for (const frame of site.plates) {
        if (frame.size !== frame.fullSize) {
          throw new Error(
            `AutoDiagonalNormal: latent site '${site.name}' is in the subsampled plate '${frame.name}' (${frame.size} of ${frame.fullSize}); AutoDiagonalNormal does not support subsampling, use AutoNormal`,
          );
        }
      }
    }
    let offset = 0;
    const parts: Float32Array[] = [];
    for (const site of proto.sites) {
      this.offsets.set(site.name, offset);
      offset += sizeOf(site.unconstrainedShape);
      parts.push(site.initUnconstrained);
    }
    const flat = new Float32Array(offset);
    let at = 0;
    for (const p of parts) {
      flat.set(p, at);
      at += p.length;
    }
    this.initLocFlat = flat;
  }

  private locInit(): () => tf.Tensor {
    return () => tf.tensor1d(this.initLocFlat!, "float32");
  }

  private scaleInit(): () => tf.Tensor {
    return () => tf.fill([this.latentDim], this.initScale, "float32");
  }

  protected override beforeSites(): readonly tf.Tensor[] {
    const store = this.storeOption;
    return [
      param(this.locName, this.locInit(), { store }),
      param(this.scaleName, this.scaleInit(), { constraint: constraints.positive, store }),
    ];
  }

  /** The slice of a flat vector that belongs to `site`, in the site's unconstrained shape. */
  private sliceOf(flat: tf.Tensor, site: LatentSiteInfo): tf.Tensor {
    const offset = this.offsets.get(site.name)!;
    return tf.reshape(tf.slice(flat, [offset], [sizeOf(site.unconstrainedShape)]), [...site.unconstrainedShape]);
  }

  protected override sampleSite(site: LatentSiteInfo, shared: readonly tf.Tensor[]): tf.Tensor {
    const [loc, scale] = shared as [tf.Tensor, tf.Tensor];
    const base = new Normal(this.sliceOf(loc, site), this.sliceOf(scale, site), { validateArgs: false }).toEvent(site.unconstrainedEventDim);
    const fn = site.isReal ? base : new TransformedDistribution(base, site.transform, { validateArgs: false });
    return sample(site.name, fn);
  }

  private storedParams(): [tf.Tensor, tf.Tensor] {
    const store = this.paramStore();
    return [store.get(this.locName, this.locInit()), store.get(this.scaleName, this.scaleInit(), constraints.positive)];
  }

  /** The posterior median of every site: `bijectTo(support)` of its slice of `loc`. */
  median(...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    return tf.tidy(() => {
      const [loc] = this.storedParams();
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) out[site.name] = tf.clone(site.transform.forward(this.sliceOf(loc, site)));
      return out;
    });
  }

  /** Per-site quantiles `bijectTo(support)(loc + scale · Φ⁻¹(q))`, stacked along a new first axis. */
  quantiles(qs: readonly number[], ...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    const z = qs.map((q) => {
      if (!(q > 0 && q < 1)) throw new Error(`AutoDiagonalNormal.quantiles: quantiles must be in (0, 1), got ${q}`);
      return normalQuantile(q);
    });
    return tf.tidy(() => {
      const [loc, scale] = this.storedParams();
      const out: Record<string, tf.Tensor> = {};
      for (const site of proto.sites) {
        const l = this.sliceOf(loc, site);
        const s = this.sliceOf(scale, site);
        out[site.name] = tf.stack(z.map((zq) => site.transform.forward(tf.add(l, tf.mul(s, zq)))));
      }
      return out;
    });
  }
}
