/**
 * The prototype trace of an autoguide: one blocked, seeded run of the model under an init
 * strategy, from which the guide learns its latent sites (names, shapes, supports, plates)
 * and their initial values. Only plain data is kept (no tensors), so the prototype survives
 * the `tf.tidy` scopes of training.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";
import { formatShape } from "../../backend/tensor.js";
import { IndependentConstraint, type Constraint } from "../../distributions/constraints.js";
import { bijectTo } from "../../distributions/transforms/biject-to.js";
import type { Transform } from "../../distributions/transforms/transform.js";
import { BlockMessenger } from "../../ppl/handlers/block.js";
import { SeedMessenger } from "../../ppl/handlers/seed.js";
import { TraceMessenger } from "../../ppl/handlers/trace.js";
import type { PlateFrame } from "../../ppl/runtime.js";
import type { Site } from "../../ppl/trace-struct.js";
import { InitMessenger, type InitStrategy } from "./initialization.js";

/** One latent site of the model, as the autoguide sees it. */
export interface LatentSiteInfo {
  /** The site's name. */
  readonly name: string;
  /** The constrained value's shape with every plate at its full size. */
  readonly shape: readonly number[];
  /** The constrained value's shape in the prototype run (plates at their subsample sizes). */
  readonly prototypeShape: readonly number[];
  /** Event dims of the site's distribution. */
  readonly eventDim: number;
  /** The site's support. */
  readonly support: Constraint;
  /** `bijectTo(support)`: unconstrained → constrained. */
  readonly transform: Transform;
  /** Whether the support is the reals (possibly with event dims): the transform is the identity. */
  readonly isReal: boolean;
  /** The unconstrained value's shape (full plate sizes). */
  readonly unconstrainedShape: readonly number[];
  /** Event dims of the unconstrained value. */
  readonly unconstrainedEventDim: number;
  /** The site's plates, outermost first (`size` is the prototype's subsample size). */
  readonly plates: readonly PlateFrame[];
  /** The initial unconstrained value (full plate sizes, periodic repeats of the prototype's). */
  readonly initUnconstrained: Float32Array;
  /** The initial constrained value (full plate sizes). */
  readonly initConstrained: Float32Array;
}

/** The result of tracing the prototype. */
export interface Prototype {
  /** Latent sites in execution order. */
  readonly sites: readonly LatentSiteInfo[];
  /** Every plate any latent site is in, by name. */
  readonly plates: ReadonlyMap<string, PlateFrame>;
}

function isRealSupport(c: Constraint): boolean {
  if (c instanceof IndependentConstraint) return isRealSupport(c.base);
  return c.name === "real";
}

/** Repeats `x` periodically along `axis` until it has `size` entries there (Pyro's periodic_repeat). */
function periodicRepeat(x: tf.Tensor, size: number, axis: number): tf.Tensor {
  const have = x.shape[axis]!;
  if (have === size) return x;
  const reps = x.shape.map((_, i) => (i === axis ? Math.ceil(size / have) : 1));
  const tiled = tf.tile(x, reps);
  const begin = x.shape.map(() => 0);
  const sizes = tiled.shape.map((d, i) => (i === axis ? size : d));
  return tf.slice(tiled, begin, sizes);
}

/** Expands `x` (a value of rank with `eventDim` event dims) to the full sizes of its subsampled plates. */
function toFullPlates(x: tf.Tensor, eventDim: number, plates: readonly PlateFrame[]): tf.Tensor {
  let out = x;
  for (const frame of plates) {
    if (frame.size === frame.fullSize) continue;
    const axis = out.rank - eventDim + frame.dim;
    out = periodicRepeat(out, frame.fullSize, axis);
  }
  return out;
}

function describeSite(who: string, site: Site, prototypeShape: readonly number[]): LatentSiteInfo {
  const fn = site.fn!;
  const support = fn.support;
  if (support.isDiscrete) {
    throw new Error(
      `${who}: latent site '${site.name}' (${fn.name}) has discrete support ${support.name}; autoguides handle continuous latent sites only (observe it, or write its guide by hand)`,
    );
  }
  const transform = bijectTo(support);
  const eventDim = fn.eventShape.length;
  const plates = [...site.plates].reverse();
  for (const frame of plates) {
    const axis = prototypeShape.length - eventDim + frame.dim;
    if (axis < 0 || prototypeShape[axis] !== frame.size) {
      throw new Error(
        `${who}: latent site '${site.name}' of shape ${formatShape(prototypeShape)} has no dim of size ${frame.size} for plate '${frame.name}' at dim ${frame.dim}`,
      );
    }
  }
  const uncon = transform.inverse(site.value);
  const unconEventDim = eventDim + transform.domain.eventDim - transform.codomain.eventDim;
  const initUnconstrained = toFullPlates(uncon, unconEventDim, plates);
  const initConstrained = toFullPlates(site.value, eventDim, plates);
  const bad = tf.any(tf.logicalNot(tf.isFinite(initUnconstrained))).dataSync()[0];
  if (bad) {
    throw new Error(`${who}: the initial value of latent site '${site.name}' maps to a non-finite unconstrained value (at the edge of ${support.name})`);
  }
  return {
    name: site.name,
    shape: initConstrained.shape,
    prototypeShape,
    eventDim,
    support,
    transform,
    isReal: isRealSupport(support),
    unconstrainedShape: initUnconstrained.shape,
    unconstrainedEventDim: unconEventDim,
    plates,
    initUnconstrained: Float32Array.from(initUnconstrained.dataSync()),
    initConstrained: Float32Array.from(initConstrained.dataSync()),
  };
}

/**
 * Runs `model(...args)` once, hidden from every outer handler, under a fresh seed drawn from
 * the current random stream, with latent sites set by `init`; returns its latent sites.
 * `who` names the autoguide in errors.
 */
export function tracePrototype<A extends unknown[]>(who: string, model: (...args: A) => unknown, args: A, init: InitStrategy): Prototype {
  let result: Prototype | undefined;
  tf.tidy(() => {
    const tracer = new TraceMessenger();
    const seedValue = nextSeed();
    new BlockMessenger().run(() =>
      new SeedMessenger(seedValue).run(() => tracer.run(() => new InitMessenger(init).run(() => model(...args)))),
    );
    const sites: LatentSiteInfo[] = [];
    const plates = new Map<string, PlateFrame>();
    for (const site of tracer.trace.latentSites()) {
      if (site.infer["isAuxiliary"] === true) continue;
      const info = describeSite(who, site, site.value.shape);
      sites.push(info);
      for (const frame of info.plates) plates.set(frame.name, frame);
    }
    if (sites.length === 0) throw new Error(`${who}: the model has no latent sample sites to guide`);
    result = { sites, plates };
  });
  return result!;
}
