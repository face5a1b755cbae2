/**
 * Running a guide and the model replayed against it: the pair of traces every trace-based ELBO
 * starts from, the model/guide match check, the vectorized-particles plate and the search for
 * non-finite log-densities.
 * @module
 */
import { trace } from "../../ppl/handlers/trace.js";
import { replay } from "../../ppl/handlers/replay.js";
import { plate } from "../../ppl/plate.js";
import type { Trace } from "../../ppl/trace-struct.js";
import type { ModelFn, NonFiniteSite } from "./estimator.js";

/** The name of the plate that vectorizes particles. */
export const PARTICLE_PLATE = "_particles";

/** A guide trace and the model trace replayed against it. */
export interface TracePair {
  /** The guide's trace. */
  readonly guideTrace: Trace;
  /** The model's trace, replayed against the guide's. */
  readonly modelTrace: Trace;
}

/** An outer plate that holds the particles of a vectorized estimate. */
export interface ParticlePlate {
  /** The number of particles. */
  readonly size: number;
  /** The plate's batch dim (left of every plate of the model). */
  readonly dim: number;
}

function inParticlePlate<A extends unknown[]>(fn: ModelFn<A>, particles: ParticlePlate | undefined): ModelFn<A> {
  if (particles === undefined) return fn;
  return (...args: A) => plate(PARTICLE_PLATE, particles.size, () => fn(...args), { dim: particles.dim });
}

/**
 * Checks that the guide and the model sample the same latent sites: every unobserved guide
 * sample site must be an unobserved sample site of the model, and every latent model site
 * must be sampled by the guide (no silent sampling from the prior). Throws naming the site.
 */
export function checkModelGuideMatch(modelTrace: Trace, guideTrace: Trace): void {
  for (const site of guideTrace.nodes.values()) {
    if (site.type !== "sample" || site.isObserved) continue;
    const m = modelTrace.nodes.get(site.name);
    if (m === undefined || m.type !== "sample") {
      throw new Error(
        `guide sample site '${site.name}' is missing in the model (every latent the guide samples must be a sample site of the model)\nModel sites:\n${modelTrace.formatShapes()}`,
      );
    }
    if (m.isObserved) {
      throw new Error(`guide sample site '${site.name}' is observed in the model: a guide samples only latent sites`);
    }
  }
  for (const site of modelTrace.nodes.values()) {
    if (site.type !== "sample" || site.isObserved) continue;
    const g = guideTrace.nodes.get(site.name);
    if (g === undefined || g.type !== "sample") {
      throw new Error(
        `model latent site '${site.name}' has no guide site: sample it in the guide (or observe it in the model)\nGuide sites:\n${guideTrace.formatShapes()}`,
      );
    }
  }
}

/**
 * Runs `guide(...args)` under a trace, then `model(...args)` replayed against the guide's draws
 * under a trace, optionally both inside the particle plate, and checks that they match.
 */
export function runGuideThenModel<A extends unknown[]>(
  model: ModelFn<A>,
  guide: ModelFn<A>,
  args: A,
  particles?: ParticlePlate,
): TracePair {
  const guideTrace = trace(inParticlePlate(guide, particles)).getTrace(...args);
  const modelTrace = trace(replay(inParticlePlate(model, particles), { trace: guideTrace })).getTrace(...args);
  checkModelGuideMatch(modelTrace, guideTrace);
  return { guideTrace, modelTrace };
}

/**
 * The number of batch dims the sample sites of `traces` use: the deepest plate dim, or the
 * largest batch rank of a site when that is larger. The particle plate goes one dim further
 * left.
 */
export function maxPlateNesting(traces: readonly Trace[]): number {
  let nesting = 0;
  for (const tr of traces) {
    for (const site of tr.nodes.values()) {
      if (site.type !== "sample") continue;
      for (const frame of site.plates) nesting = Math.max(nesting, -frame.dim);
      if (site.fn !== undefined) nesting = Math.max(nesting, site.fn.batchShape.length);
    }
  }
  return nesting;
}

/** The first site of the pair (guide first, then model) whose log-density is not finite. */
export function firstNonFiniteIn(pair: TracePair, particle: number): NonFiniteSite | undefined {
  for (const [program, tr] of [
    ["guide", pair.guideTrace],
    ["model", pair.modelTrace],
  ] as const) {
    const site = tr.firstNonFiniteSite();
    if (site !== undefined) return { program, name: site.name, particle, shapes: tr.formatShapes() };
  }
  return undefined;
}
