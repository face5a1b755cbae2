/**
 * `PyroBaseModuleClass`: a module written as PPL `model` and `guide` functions of one
 * signature (scvi-tools' `PyroBaseModuleClass`), trained by `PyroTrainingPlan` through SVI.
 *
 * @module
 */
import { tidyScope } from "../../../backend/scope.js";
import { Module } from "../../nn/module.js";
import { trace } from "../../../ppl/handlers/trace.js";
import { seed } from "../../../ppl/handlers/seed.js";
import { replay } from "../../../ppl/handlers/replay.js";
import type { TensorDict } from "./base-module.js";
import { Predictive, type PredictiveOptions } from "../../../infer/predictive.js";

/** The cell plate and the latent sites inside it (scvi-tools' `list_obs_plate_vars`). */
export interface ObsPlateVars {
  /** The plate's name. */
  name: string;
  /** Latent sample sites inside the plate (local variables). */
  in: string[];
  /** Event shape of each of them. */
  sites: Record<string, number[]>;
}

/**
 * A module whose generative model and variational family are PPL programs. Subclasses define
 * `model` and `guide` (same arguments) and `getFnArgsFromBatch`, which turns a minibatch into
 * those arguments. Register neural networks inside `model`/`guide` with the PPL's `module`
 * primitive, so SVI finds their weights.
 *
 * `nObs` is the number of training cells; the training plan sets it, and the model's cell
 * plate should use it as its full size (so log-densities are scaled to the whole dataset).
 */
export abstract class PyroBaseModuleClass<A extends unknown[] = unknown[]> extends Module {
  /** Cells in the training set (the cell plate's full size); set by the training plan. */
  nObs: number | undefined;
  /** The name of the cell plate (default `obs`), used to tell local from global latents. */
  obsPlateName = "obs";

  /** The generative model. */
  abstract model(...args: A): unknown;
  /** The variational distribution. */
  abstract guide(...args: A): unknown;
  /** The arguments of `model` and `guide` for a minibatch. */
  abstract getFnArgsFromBatch(tensors: TensorDict): A;

  /**
   * A `Predictive` over this module's model: posterior predictive draws with the module's own
   * guide by default (`guide: null` for the prior predictive), as scvi-tools'
   * `create_predictive`. Call `.get(...module.getFnArgsFromBatch(batch))` inside `tf.tidy`.
   */
  createPredictive(options: Omit<PredictiveOptions<A>, "guide"> & { guide?: ((...args: A) => unknown) | null; numSamples?: number } = {}): Predictive<A> {
    const { guide, ...rest } = options;
    const chosen = guide === null ? undefined : (guide ?? ((...a: A) => this.guide(...a)));
    const fromSamples = rest.posteriorSamples !== undefined;
    return new Predictive<A>((...a: A) => this.model(...a), {
      ...rest,
      ...(fromSamples || chosen === undefined ? {} : { guide: chosen }),
      numSamples: rest.numSamples ?? (fromSamples ? undefined : 1000),
    });
  }

  /**
   * The cell plate and the latent sites inside it, found by tracing the guide and the model
   * (replayed) on `tensors` under a fixed seed.
   */
  listObsPlateVars(tensors: TensorDict): ObsPlateVars {
    return tidyScope(() => {
      const args = this.getFnArgsFromBatch(tensors);
      const guideTrace = trace(seed((...a: A) => this.guide(...a), 0)).getTrace(...args);
      const modelTrace = trace(replay(seed((...a: A) => this.model(...a), 0), { trace: guideTrace })).getTrace(...args);
      const result: ObsPlateVars = { name: this.obsPlateName, in: [], sites: {} };
      for (const site of modelTrace.latentSites()) {
        if (!site.plates.some((p) => p.name === this.obsPlateName)) continue;
        result.in.push(site.name);
        result.sites[site.name] = [...site.fn!.eventShape];
      }
      return result;
    });
  }
}
