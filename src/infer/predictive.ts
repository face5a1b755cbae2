/**
 * `Predictive`: draws of a model's sites from the prior, from a guide (posterior predictive),
 * or from given posterior samples (Pyro's `pyro/infer/predictive.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, sizeOf } from "../backend/tensor.js";
import { FactorDistribution } from "../ppl/factor-distribution.js";
import { BlockMessenger } from "../ppl/handlers/block.js";
import { trace } from "../ppl/handlers/trace.js";
import { plate } from "../ppl/plate.js";
import { Messenger, type Message } from "../ppl/runtime.js";
import type { Site, Trace } from "../ppl/trace-struct.js";
import type { ModelFn } from "./elbo/estimator.js";
import { maxPlateNesting } from "./elbo/traces.js";

/** Options of {@link Predictive}. */
export interface PredictiveOptions<A extends unknown[]> {
  /** A guide whose draws stand in for the latent sites (posterior predictive). */
  guide?: ModelFn<A>;
  /** Latent values per site, stacked along a leading axis of length `numSamples`. */
  posteriorSamples?: Readonly<Record<string, tf.Tensor>>;
  /** How many draws (required unless `posteriorSamples` gives it). */
  numSamples?: number;
  /**
   * Which sites to return. Default: every sample site (latent and observed) and deterministic
   * site; with `posteriorSamples`, those not among the given samples.
   */
  returnSites?: readonly string[];
  /**
   * Draw all samples at once inside an outer plate of size `numSamples` (the model must
   * broadcast correctly over a new leftmost batch dim) instead of one execution per sample.
   */
  parallel?: boolean;
}

/** The name of the plate that vectorizes `Predictive`'s draws. */
export const PREDICTIVE_PLATE = "_num_predictive_samples";

/**
 * The handler of one predictive execution: sets latent sites to given values, replays plate
 * subsamples, and resamples observed sites (their observations are dropped).
 */
class PredictiveMessenger extends Messenger {
  constructor(
    private readonly values: ReadonlyMap<string, tf.Tensor>,
    private readonly plates: ReadonlyMap<string, tf.Tensor>,
  ) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type === "plate") {
      const idx = this.plates.get(msg.name);
      if (idx !== undefined) {
        msg.value = idx;
        msg.done = true;
      }
      return;
    }
    if (msg.type !== "sample") return;
    const value = this.values.get(msg.name);
    if (value !== undefined) {
      msg.value = value;
      msg.done = true;
      return;
    }
    if (msg.isObserved && !(msg.fn instanceof FactorDistribution)) {
      msg.value = undefined;
      msg.isObserved = false;
    }
  }
}

function isReturnable(site: Site): boolean {
  if (site.type === "deterministic") return true;
  return site.type === "sample" && !(site.fn instanceof FactorDistribution);
}

/**
 * Samples of a model's sites, stacked over draws.
 *
 * - no guide and no samples: draws from the prior (prior predictive);
 * - `guide`: each draw runs the guide, then the model with the guide's latent values and plate
 *   subsamples (posterior predictive);
 * - `posteriorSamples`: draw `i` sets every given site to its `i`-th sample.
 *
 * Observed sites are resampled (their observations are dropped), as in Pyro. Each returned
 * tensor has shape `[numSamples, ...siteShape]`; the caller owns them.
 *
 * @example
 * ```ts
 * const predictive = new Predictive(model, { guide, numSamples: 100 });
 * const { x } = predictive.get(data); // [100, ...x's shape]
 * ```
 */
export class Predictive<A extends unknown[]> {
  /** How many draws `get` returns. */
  readonly numSamples: number;
  private readonly options: PredictiveOptions<A>;

  constructor(
    /** The model whose sites are drawn. */
    readonly model: ModelFn<A>,
    options: PredictiveOptions<A> = {},
  ) {
    if (options.guide !== undefined && options.posteriorSamples !== undefined) {
      throw new Error("Predictive: give either a guide or posteriorSamples, not both");
    }
    const fromSamples = options.posteriorSamples === undefined ? undefined : sampleCount(options.posteriorSamples);
    if (fromSamples !== undefined && options.numSamples !== undefined && options.numSamples !== fromSamples) {
      throw new Error(`Predictive: numSamples is ${options.numSamples} but the posterior samples have ${fromSamples}`);
    }
    const n = options.numSamples ?? fromSamples;
    if (n === undefined) throw new Error("Predictive: numSamples is required without posteriorSamples");
    if (!Number.isInteger(n) || n < 1) throw new Error(`Predictive: numSamples must be a positive integer, got ${n}`);
    this.numSamples = n;
    this.options = options;
  }

  /** Draws `numSamples` executions and returns the chosen sites' values stacked along axis 0. */
  get(...args: A): Record<string, tf.Tensor> {
    return this.options.parallel ? this.parallelDraws(args) : this.sequentialDraws(args);
  }

  /** The same as {@link Predictive.get}. */
  call(...args: A): Record<string, tf.Tensor> {
    return this.get(...args);
  }

  /** Latent values and plate subsamples of draw `i` (or of all draws at once, when vectorized). */
  private latents(args: A, i: number | undefined, vectorize?: { dim: number; pad: (name: string, v: tf.Tensor) => tf.Tensor }) {
    const values = new Map<string, tf.Tensor>();
    const plates = new Map<string, tf.Tensor>();
    const { guide, posteriorSamples } = this.options;
    if (guide !== undefined) {
      const run = vectorize ? (...a: A) => plate(PREDICTIVE_PLATE, this.numSamples, () => guide(...a), { dim: vectorize.dim }) : guide;
      const guideTrace = trace(run).getTrace(...args);
      for (const site of guideTrace.nodes.values()) {
        if (site.type === "sample" && !site.isObserved) values.set(site.name, site.value);
        if (site.type === "plate" && site.name !== PREDICTIVE_PLATE) plates.set(site.name, site.value);
      }
    }
    if (posteriorSamples !== undefined) {
      for (const [name, samples] of Object.entries(posteriorSamples)) {
        values.set(name, vectorize ? vectorize.pad(name, samples) : tf.squeeze(tf.slice(samples, [i!], [1]), [0]));
      }
    }
    return { values, plates };
  }

  private runModel(args: A, values: ReadonlyMap<string, tf.Tensor>, plates: ReadonlyMap<string, tf.Tensor>, dim?: number): Trace {
    const model = this.model;
    const run = dim === undefined ? model : (...a: A) => plate(PREDICTIVE_PLATE, this.numSamples, () => model(...a), { dim });
    const handler = new PredictiveMessenger(values, plates);
    return trace((...a: A) => handler.run(() => run(...a))).getTrace(...args);
  }

  private chooseSites(tr: Trace): string[] {
    const returnSites = this.options.returnSites;
    const available = [...tr.nodes.values()].filter(isReturnable).map((s) => s.name);
    if (returnSites !== undefined) {
      for (const name of returnSites) {
        if (!available.includes(name)) {
          throw new Error(`Predictive: return site '${name}' is not a sample or deterministic site of the model (it has: ${available.join(", ")})`);
        }
      }
      return [...returnSites];
    }
    const given = this.options.posteriorSamples;
    return given === undefined ? available : available.filter((name) => !Object.prototype.hasOwnProperty.call(given, name));
  }

  private sequentialDraws(args: A): Record<string, tf.Tensor> {
    const perDraw: Record<string, tf.Tensor>[] = [];
    let sites: string[] = [];
    try {
      for (let i = 0; i < this.numSamples; i++) {
        perDraw.push(
          tf.tidy(() => {
            const { values, plates } = this.latents(args, i);
            const tr = this.runModel(args, values, plates);
            if (i === 0) sites = this.chooseSites(tr);
            const out: Record<string, tf.Tensor> = {};
            for (const name of sites) out[name] = tf.clone(tr.nodes.get(name)!.value);
            return out;
          }),
        );
      }
      return tf.tidy(() => {
        const out: Record<string, tf.Tensor> = {};
        for (const name of sites) {
          const draws = perDraw.map((d) => d[name]!);
          if (draws.some((d) => d.shape.join() !== draws[0]!.shape.join())) {
            throw new Error(`Predictive: site '${name}' changes shape between draws (${draws.map((d) => formatShape(d.shape)).join(", ")})`);
          }
          out[name] = tf.stack(draws);
        }
        return out;
      });
    } finally {
      for (const d of perDraw) for (const t of Object.values(d)) t.dispose();
    }
  }

  private parallelDraws(args: A): Record<string, tf.Tensor> {
    // One blocked draw tells the plate nesting, the sites, and each site's single-draw shape.
    let nesting = 0;
    let sites: string[] = [];
    const shapes = new Map<string, number[]>();
    const eventDims = new Map<string, number>();
    tf.tidy(() => {
      new BlockMessenger().run(() => {
        const { values, plates } = this.latents(args, 0);
        const tr = this.runModel(args, values, plates);
        nesting = maxPlateNesting([tr]);
        sites = this.chooseSites(tr);
        for (const site of tr.nodes.values()) {
          shapes.set(site.name, [...site.value.shape]);
          eventDims.set(site.name, site.fn?.eventShape.length ?? 0);
        }
      });
    });
    const dim = -(nesting + 1);
    const n = this.numSamples;
    return tf.tidy(() => {
      const pad = (name: string, samples: tf.Tensor) => {
        const single = samples.shape.slice(1);
        const batchRank = single.length - (eventDims.get(name) ?? 0);
        const ones = new Array<number>(Math.max(0, nesting - batchRank)).fill(1);
        return tf.reshape(samples, [n, ...ones, ...single]);
      };
      const { values, plates } = this.latents(args, undefined, { dim, pad });
      const tr = this.runModel(args, values, plates, dim);
      const out: Record<string, tf.Tensor> = {};
      for (const name of sites) {
        const value = tr.nodes.get(name)!.value;
        const single = shapes.get(name)!;
        if (value.size === n * sizeOf(single)) out[name] = tf.reshape(value, [n, ...single]);
        else if (value.size === sizeOf(single)) out[name] = tf.broadcastTo(tf.reshape(value, [1, ...single]), [n, ...single]);
        else {
          throw new Error(
            `Predictive (parallel): site '${name}' has shape ${formatShape(value.shape)}, which is not ${n} draws of ${formatShape(single)}; the model may not broadcast over the leftmost plate (use parallel: false)`,
          );
        }
      }
      return out;
    });
  }
}

function sampleCount(samples: Readonly<Record<string, tf.Tensor>>): number {
  const counts = new Set(Object.values(samples).map((t) => t.shape[0]));
  if (counts.size !== 1) {
    throw new Error(`Predictive: every posterior sample needs the same leading length, got ${[...counts].join(", ") || "no samples"}`);
  }
  return [...counts][0]!;
}
