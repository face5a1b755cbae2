/**
 * `AutoGuide`: the base of automatically built guides. An autoguide is itself a guide
 * function: `guide(...args)` runs it with the model's arguments, so it goes wherever a guide
 * function goes (`new SVI(model, guide, ...)`, `trace(guide)`, `seed(guide, 0)`, ...), and it
 * has methods (`median`, `quantiles`, `latentSites`).
 *
 * Design: the constructor returns a function object whose prototype is the class' prototype
 * (whose own prototype is `Function.prototype`, so `apply`/`bind` still work); the class'
 * state lives on that function object. `typeof guide === "function"` and
 * `guide instanceof AutoNormal` both hold.
 *
 * On the first call the autoguide traces the model once (a prototype trace, hidden from every
 * outer handler, under a seed drawn from the current stream, with latent sites set by the init
 * strategy) to learn the latent sites: names, shapes, supports and plates. Each latent site
 * gets parameters in unconstrained space (via `bijectTo(support)`); plates are re-entered with
 * the model's names, sizes and dims, params hold the full plate and are sliced to the
 * subsample.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { getParamStore, type ParamStore } from "../../ppl/param-store.js";
import type { PlateFrame } from "../../ppl/runtime.js";
import type { ModelFn } from "../elbo/estimator.js";
import { GuidePlates, type PlateSubsamples } from "./guide-plates.js";
import type { InitStrategy } from "./initialization.js";
import { tracePrototype, type LatentSiteInfo, type Prototype } from "./prototype.js";


/** Options every autoguide accepts. */
export interface AutoGuideOptions<A extends unknown[]> {
  /** How latent sites are initialised (default depends on the guide, as in Pyro). */
  initLoc?: InitStrategy;
  /** Prefix of the guide's param names (default `"auto"`). */
  prefix?: string;
  /** The param store to keep the guide's params in (default: the current store at each call). */
  store?: ParamStore;
  /**
   * Subsample indices per plate name, from the model's arguments (Pyro's `create_plates`):
   * use it when the model is given its minibatch indices. Plates not named draw a random
   * subsample of the prototype's size, which the model then replays.
   */
  subsamples?: (...args: A) => PlateSubsamples;
}

/** A group of latent sites sharing one plate stack. */
export interface SiteGroup {
  /** The plates, outermost first. */
  readonly frames: readonly PlateFrame[];
  /** The sites, in execution order. */
  readonly sites: readonly LatentSiteInfo[];
}

/** Groups sites by their plate stacks (first appearance order). */
function groupByPlates(sites: readonly LatentSiteInfo[]): SiteGroup[] {
  const groups = new Map<string, { frames: readonly PlateFrame[]; sites: LatentSiteInfo[] }>();
  for (const site of sites) {
    const key = site.plates.map((f) => `${f.name}@${f.dim}`).join("/");
    let group = groups.get(key);
    if (group === undefined) {
      group = { frames: site.plates, sites: [] };
      groups.set(key, group);
    }
    group.sites.push(site);
  }
  return [...groups.values()];
}

/** Calling an autoguide runs the guide: it samples every latent site and returns the values. */
export interface AutoGuide<A extends unknown[]> {
  (...args: A): Record<string, tf.Tensor>;
}

/**
 * The base class of autoguides. Subclasses implement `sampleSite` (the guide of one latent
 * site, called inside its plates), `median` and `quantiles`.
 */
export abstract class AutoGuide<A extends unknown[]> {
  /** The model this guide was built for. */
  declare readonly model: ModelFn<A>;
  /** Prefix of the guide's param names. */
  declare readonly prefix: string;
  /** The init strategy. */
  declare protected readonly initLoc: InitStrategy;
  /** The explicit param store, if one was given. */
  declare protected readonly storeOption: ParamStore | undefined;
  declare private readonly subsamplesOption: ((...args: A) => PlateSubsamples) | undefined;
  declare private prototypeSites: Prototype | undefined;

  /**
   * @param model the model to guide.
   * @param options see {@link AutoGuideOptions}.
   * @param defaultInit the init strategy when `options.initLoc` is not given.
   */
  protected constructor(model: ModelFn<A>, options: AutoGuideOptions<A>, defaultInit: InitStrategy) {
    const self = ((...args: A) => self.forward(...args)) as unknown as AutoGuide<A>;
    Object.setPrototypeOf(self, new.target.prototype);
    Object.assign(self, {
      model,
      prefix: options.prefix ?? "auto",
      initLoc: options.initLoc ?? defaultInit,
      storeOption: options.store,
      subsamplesOption: options.subsamples,
      prototypeSites: undefined,
    });
    return self;
  }

  /** The autoguide's class name, for errors. */
  protected get kind(): string {
    return this.constructor.name;
  }

  /** Runs the guide with the model's arguments: samples every latent site, returns the values. */
  forward(...args: A): Record<string, tf.Tensor> {
    const proto = this.setup(...args);
    const plates = new GuidePlates(this.subsamplesOption?.(...args));
    const out: Record<string, tf.Tensor> = {};
    const shared = this.beforeSites(proto);
    for (const group of groupByPlates(proto.sites)) {
      plates.enter(group.frames, () => {
        for (const site of group.sites) out[site.name] = this.sampleSite(site, shared);
      });
    }
    return out;
  }

  /**
   * Traces the prototype (once; later calls return the same one) with the model's arguments
   * and returns the latent sites. Called by the first guide call.
   */
  setup(...args: A): Prototype {
    if (this.prototypeSites === undefined) {
      const proto = tracePrototype(this.kind, this.model, args, this.initLoc);
      this.checkPrototype(proto);
      this.prototypeSites = proto;
    }
    return this.prototypeSites;
  }

  /** The latent sites found by the prototype trace (empty before the first call). */
  latentSites(): readonly LatentSiteInfo[] {
    return this.prototypeSites?.sites ?? [];
  }

  /** The param store in use now: the one given in the options, else the current one. */
  protected paramStore(): ParamStore {
    return this.storeOption ?? getParamStore();
  }

  /** A hook run on the prototype right after it is traced (throw to reject a model). */
  protected checkPrototype(_proto: Prototype): void {}

  /**
   * A hook run at the start of every guide call, outside every plate: returns tensors shared
   * by every site of this call (e.g. flat params), passed on to `sampleSite`.
   */
  protected beforeSites(_proto: Prototype): readonly tf.Tensor[] {
    return [];
  }

  /** Samples one latent site (inside its plates) and returns its constrained value. */
  protected abstract sampleSite(site: LatentSiteInfo, shared: readonly tf.Tensor[]): tf.Tensor;

  /**
   * The posterior median of every latent site in constrained space, with full plate sizes.
   * The arguments are the model's (needed only before the first guide call).
   */
  abstract median(...args: A): Record<string, tf.Tensor>;

  /**
   * Posterior quantiles of every latent site in constrained space: for each site a tensor of
   * shape `[qs.length, ...siteShape]`.
   */
  abstract quantiles(qs: readonly number[], ...args: A): Record<string, tf.Tensor>;
}
Object.setPrototypeOf(AutoGuide.prototype, Function.prototype);
