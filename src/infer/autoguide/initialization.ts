/**
 * Initialisation strategies of autoguides (Pyro's `pyro/infer/autoguide/initialization.py`):
 * functions from a latent site of the model to the constrained value the guide starts at, and
 * the {@link InitMessenger} that applies one while the autoguide traces its prototype.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, shapesEqual, toTensor, type TensorInput } from "../../backend/tensor.js";
import type { Distribution } from "../../distributions/distribution.js";
import { bijectTo } from "../../distributions/transforms/biject-to.js";
import { Messenger, type Message } from "../../ppl/runtime.js";

/** What an init strategy sees of a latent site: its name, distribution and sample shape. */
export interface InitSite {
  /** The site's name. */
  readonly name: string;
  /** The site's distribution (already broadcast to its plates). */
  readonly fn: Distribution;
  /** The `sampleShape` the site was declared with. */
  readonly sampleShape: readonly number[];
}

/**
 * An init strategy: returns a value for the site, of shape `fn.shape(sampleShape)`, inside
 * the site's support. The value is owned by the caller.
 */
export type InitStrategy = (site: InitSite) => tf.Tensor;

function valueShape(site: InitSite): number[] {
  return site.fn.shape(site.sampleShape);
}

/**
 * Initialises every site at the image of zero under `bijectTo(support)`: 0 for reals, 1 for
 * positive values, 0.5 on the unit interval, the uniform point of a simplex.
 */
export function initToFeasible(): InitStrategy {
  return (site) =>
    tf.tidy(() => {
      const t = bijectTo(site.fn.support);
      return t.forward(tf.zeros(t.inverseShape(valueShape(site))));
    });
}

/** Whether `value` lies in the site's support (every element / event). */
function inSupport(site: InitSite, value: tf.Tensor): boolean {
  return tf.tidy(() => tf.all(site.fn.support.check(value)).dataSync()[0] === 1);
}

/**
 * Initialises every site at the elementwise median of `numSamples` prior draws (default 15),
 * falling back to the prior mean when the median leaves the support (an elementwise median
 * of simplex draws is not on the simplex), and to {@link initToFeasible} when the
 * distribution cannot be sampled.
 */
export function initToMedian(options: { numSamples?: number } = {}): InitStrategy {
  const numSamples = options.numSamples ?? 15;
  if (!Number.isInteger(numSamples) || numSamples < 1) {
    throw new Error(`initToMedian: numSamples must be a positive integer, got ${numSamples}`);
  }
  const feasible = initToFeasible();
  return (site) => {
    let draws: tf.Tensor;
    try {
      draws = site.fn.sample([numSamples, ...site.sampleShape]);
    } catch {
      return feasible(site);
    }
    const median = tf.tidy(() => {
      // Median along axis 0: sort the draws along the last axis (topk sorts descending) and
      // take the lower middle one, as torch.median does.
      const rank = draws.rank;
      const perm = [...Array.from({ length: rank - 1 }, (_, i) => i + 1), 0];
      const sorted = tf.topk(tf.transpose(draws, perm), numSamples, true).values;
      const middle = numSamples - 1 - Math.floor((numSamples - 1) / 2);
      return tf.squeeze(tf.slice(sorted, [...new Array<number>(rank - 1).fill(0), middle], [...sorted.shape.slice(0, -1), 1]), [rank - 1]);
    });
    draws.dispose();
    if (inSupport(site, median)) return median;
    median.dispose();
    return meanOr(site, feasible);
  };
}

/** The prior mean broadcast to the site's shape when it exists, is finite and in the support; else `fallback`. */
function meanOr(site: InitSite, fallback: InitStrategy): tf.Tensor {
  let mean: tf.Tensor;
  try {
    mean = site.fn.mean;
  } catch {
    return fallback(site);
  }
  const value = tf.tidy(() => tf.broadcastTo(tf.clone(mean), valueShape(site)));
  const ok = tf.tidy(() => tf.all(tf.isFinite(value)).dataSync()[0] === 1) && inSupport(site, value);
  if (ok) return value;
  value.dispose();
  return fallback(site);
}

/**
 * Initialises every site at its prior mean (broadcast over `sampleShape`), falling back to
 * {@link initToMedian} when the mean has no closed form, is not finite or leaves the support.
 */
export function initToMean(options: { numSamples?: number } = {}): InitStrategy {
  const fallback = initToMedian(options);
  return (site) => meanOr(site, fallback);
}

/** Initialises every site at one draw from its prior. */
export function initToSample(): InitStrategy {
  return (site) => site.fn.sample(site.sampleShape);
}

/**
 * Initialises the sites named in `values` at those values (broadcast to the site's shape)
 * and every other site by `fallback` (default {@link initToMedian}).
 *
 * @example
 * ```ts
 * const guide = new AutoNormal(model, { initLoc: initToValue({ values: { z: 2 } }) });
 * ```
 */
export function initToValue(options: { values: Readonly<Record<string, TensorInput>>; fallback?: InitStrategy }): InitStrategy {
  const fallback = options.fallback ?? initToMedian();
  return (site) => {
    if (!Object.prototype.hasOwnProperty.call(options.values, site.name)) return fallback(site);
    return tf.tidy(() => {
      const value = toTensor(options.values[site.name]!, site.name, "initToValue");
      const shape = valueShape(site);
      try {
        return tf.clone(shapesEqual(value.shape, shape) ? value : tf.broadcastTo(value, shape));
      } catch {
        throw new Error(`initToValue: the value of site '${site.name}' has shape ${formatShape(value.shape)}, the site has shape ${formatShape(shape)}`);
      }
    });
  };
}

/**
 * The handler that sets every continuous latent sample site's value by an init strategy (used
 * by autoguides to trace their prototype). Values are checked for shape and support; errors
 * name the site.
 */
export class InitMessenger extends Messenger {
  constructor(private readonly strategy: InitStrategy) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type !== "sample" || msg.isObserved || msg.done || msg.value !== undefined) return;
    // Discrete latents keep their prior draw (an autoguide then rejects them by name).
    if (msg.fn.support.isDiscrete) return;
    const site: InitSite = { name: msg.name, fn: msg.fn, sampleShape: msg.args.sampleShape };
    const value = this.strategy(site);
    const shape = valueShape(site);
    if (!shapesEqual(value.shape, shape)) {
      throw new Error(`init strategy: site '${msg.name}' needs a value of shape ${formatShape(shape)}, got ${formatShape(value.shape)}`);
    }
    const inSupport = tf.tidy(() => tf.all(msg.fn.support.check(value)).dataSync()[0] === 1);
    if (!inSupport) {
      throw new Error(`init strategy: the initial value of site '${msg.name}' is outside its support ${msg.fn.support.name}`);
    }
    msg.value = value;
    msg.done = true;
  }
}
