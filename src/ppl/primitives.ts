/**
 * The primitives a model is written with: `sample`, `param`, `deterministic`, `factor` and
 * `module`. Each sends a message through the handler stack (see `runtime.ts`); with no handler
 * installed they simply draw, look up or return.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { toTensor, type TensorInput } from "../backend/tensor.js";
import type { Distribution } from "../distributions/distribution.js";
import * as constraints from "../distributions/constraints.js";
import type { Constraint } from "../distributions/constraints.js";
import { applyStack, type InferConfig, type ParamArgs, type SampleMessage } from "./runtime.js";
import { getParamStore, type ParamInit, type ParamStore } from "./param-store.js";
import { FactorDistribution } from "./factor-distribution.js";

/** Options of {@link sample}. */
export interface SampleOptions {
  /** Observed data: the site becomes a likelihood term with this value. */
  obs?: TensorInput;
  /** Inference hints, e.g. `{ scoreFunction: true }`. */
  infer?: InferConfig;
  /** Draw this many independent samples in front of the batch shape (default none). */
  sampleShape?: number[];
}

/**
 * A random variable named `name` with distribution `fn`. Returns its value: the observation if
 * `obs` is given, else whatever the handlers decide (by default a draw from `fn`).
 *
 * @example
 * ```ts
 * const z = sample("z", new Normal(0, 1));
 * sample("x", new Normal(z, 1), { obs: data });
 * ```
 */
export function sample(name: string, fn: Distribution, options: SampleOptions = {}): tf.Tensor {
  const obs = options.obs === undefined ? undefined : toTensor(options.obs, "obs", `sample('${name}')`);
  const msg: SampleMessage = {
    type: "sample",
    name,
    fn,
    args: { sampleShape: options.sampleShape ?? [] },
    value: obs,
    isObserved: obs !== undefined,
    scale: 1,
    mask: null,
    plates: [],
    infer: { ...options.infer },
    done: false,
    stop: false,
  };
  return applyStack(msg).value!;
}

/** Options of {@link param}. */
export interface ParamOptions {
  /** The set the parameter lives in (default `constraints.real`); optimisation is unconstrained. */
  constraint?: Constraint;
  /**
   * Rightmost dims forming one event. Inside a subsampled plate, a param with `eventDim` is
   * sliced to the subsample along the plate's dim (it holds the full plate).
   */
  eventDim?: number;
  /** The store to use instead of the current one. */
  store?: ParamStore;
}

/**
 * A learnable parameter named `name`, created from `init` on first use and read from the param
 * store afterwards. Returns its constrained value.
 *
 * @example
 * ```ts
 * const scale = param("scale", tf.scalar(1), { constraint: constraints.positive });
 * ```
 */
export function param(name: string, init?: ParamInit, options: ParamOptions = {}): tf.Tensor {
  const store = options.store ?? getParamStore();
  const args: ParamArgs = { init, constraint: options.constraint ?? constraints.real, eventDim: options.eventDim };
  return applyStack({
    type: "param",
    name,
    fn: (n: string, a: ParamArgs) => store.get(n, a.init, a.constraint),
    args,
    value: undefined,
    isObserved: false,
    scale: 1,
    mask: null,
    plates: [],
    infer: {},
    done: false,
    stop: false,
  }).value!;
}

/**
 * Records a value computed from other sites under `name` (it appears in traces and
 * `Predictive` output but is never scored). Returns the value.
 */
export function deterministic(name: string, value: tf.Tensor, options: { eventDim?: number } = {}): tf.Tensor {
  return applyStack({
    type: "deterministic",
    name,
    fn: null,
    args: { eventDim: options.eventDim ?? 0 },
    value,
    isObserved: true,
    scale: 1,
    mask: null,
    plates: [],
    infer: {},
    done: true,
    stop: false,
  }).value!;
}

/**
 * Adds `logFactor` to the model's log-density (an observed site of a unit distribution), e.g.
 * a penalty or a likelihood written by hand.
 */
export function factor(name: string, logFactor: tf.Tensor): void {
  const unit = new FactorDistribution(logFactor);
  sample(name, unit, { obs: tf.zeros(unit.batchShape) });
}

/** Anything with named trainable variables, such as an `nn` module of `scvi-ts/scvi`. */
export interface ParameterizedModule {
  /** The trainable variables, each with a dotted name unique within the module. */
  namedParameters(): Array<[string, tf.Variable]>;
}

/**
 * Registers the weights of a neural-network module as params named `name$$$<weight name>`, so
 * inference finds and optimises them (the same variables: updates happen in place). Returns the
 * module.
 */
export function module<M extends ParameterizedModule>(name: string, nnModule: M, options: { store?: ParamStore } = {}): M {
  const store = options.store ?? getParamStore();
  for (const [paramName, variable] of nnModule.namedParameters()) {
    const fullName = `${name}$$$${paramName}`;
    store.registerVariable(fullName, variable);
    param(fullName, undefined, { store });
  }
  return nnModule;
}
