/**
 * `SVI`: stochastic variational inference — one gradient step of an ELBO estimator over the
 * parameters a model and guide use (anchor: Pyro's `pyro/infer/svi.py`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../backend/random.js";
import { getValidateArgs, setValidateArgs } from "../distributions/distribution.js";
import { SeedMessenger } from "../ppl/handlers/seed.js";
import { getParamStore, withParamStore, type ParamStore } from "../ppl/param-store.js";
import type { ELBOEstimator, ModelFn, NonFiniteSite } from "./elbo/estimator.js";
import { firstNonFiniteIn, runGuideThenModel } from "./elbo/traces.js";
import type { Optimizer, VariableGrad } from "./optim/optimizer.js";
import { ParamCaptureMessenger } from "./param-capture.js";

/** Options of {@link SVI}. */
export interface SVIOptions {
  /** The param store the model and guide use (default: the current store at each step). */
  store?: ParamStore;
  /**
   * Skip steps whose loss is not finite (counted in {@link SVI.skippedSteps}) instead of
   * throwing. Either way a non-finite step leaves the parameters and optimizer unchanged.
   */
  skipNonFinite?: boolean;
  /**
   * Validate distribution arguments on every step (default false: only the first step or
   * evaluation runs with validation as configured globally; later ones run with validation
   * off, because every check reads tensor values and stalls the pipeline. An invalid
   * parameter later shows up as a non-finite loss, which names the site).
   */
  validateEveryStep?: boolean;
}

/** The error thrown for a non-finite loss (see {@link SVI.step}). */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    /** The 1-based step number. */
    readonly step: number,
    /** The loss value. */
    readonly loss: number,
    /** The first site with a non-finite log-density, if one was found. */
    readonly site: NonFiniteSite | undefined,
    /** The seed the step ran under (re-run the step's traces under `seed(fn, stepSeed)`). */
    readonly stepSeed: number,
  ) {
    super(message);
    this.name = "NonFiniteLossError";
  }
}

/**
 * Stochastic variational inference: `step(...args)` estimates the loss and its gradient with
 * `loss` and lets `optimizer` update the unconstrained parameters that the model and guide
 * touched (found by a param-only trace on the first step and whenever the set changes).
 *
 * Every step runs under its own seed drawn from the global stream (so `setSeed(n)` makes a
 * run reproducible, and a failing step can be replayed). A non-finite loss leaves the
 * parameters unchanged and throws a {@link NonFiniteLossError} naming the step and the first
 * site whose log-density is not finite, or, with `skipNonFinite`, skips the step.
 *
 * @example
 * ```ts
 * const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new TraceELBO());
 * for (let i = 0; i < 1000; i++) svi.step(data);
 * ```
 */
export class SVI<A extends unknown[]> {
  /** Steps attempted so far (including skipped ones). */
  stepCount = 0;
  /** Steps skipped because their loss was not finite (`skipNonFinite`). */
  skippedSteps = 0;
  /** The seed the latest step ran under. */
  lastStepSeed: number | undefined;
  private readonly options: SVIOptions;
  private paramNames: string[] | undefined;
  private variables: tf.Variable[] = [];
  private validatedOnce = false;

  constructor(
    /** The model. */
    readonly model: ModelFn<A>,
    /** The guide (the variational distribution), with the model's arguments. */
    readonly guide: ModelFn<A>,
    /** The optimizer of the unconstrained parameters. */
    readonly optimizer: Optimizer,
    /** The ELBO estimator whose loss each step minimises. */
    readonly loss: ELBOEstimator,
    options: SVIOptions = {},
  ) {
    this.options = options;
  }

  /** The param store this SVI optimises. */
  get store(): ParamStore {
    return this.options.store ?? getParamStore();
  }

  /**
   * Takes one gradient step and returns the loss (the negative ELBO estimate) before it.
   * Throws {@link NonFiniteLossError} on a non-finite loss unless `skipNonFinite` is set
   * (then returns the non-finite value and counts the skip).
   */
  step(...args: A): number {
    const stepNumber = this.stepCount + 1;
    const stepSeed = nextSeed();
    this.stepCount = stepNumber;
    this.lastStepSeed = stepSeed;
    return this.inContext(() => {
      const { value, grads } = this.lossAndGrads(args, stepSeed);
      if (!Number.isFinite(value)) {
        tf.dispose(grads.map(([, g]) => g));
        this.handleNonFinite(stepNumber, value, args, stepSeed);
        return value;
      }
      try {
        this.optimizer.apply(grads);
      } finally {
        tf.dispose(grads.map(([, g]) => g));
      }
      this.validatedOnce = true;
      return value;
    });
  }

  /** The loss (negative ELBO estimate) without a step and without gradient work. */
  evaluateLoss(...args: A): number {
    const stepSeed = nextSeed();
    return this.inContext(() => {
      const value = new SeedMessenger(stepSeed).run(() => this.loss.loss(this.model, this.guide, ...args));
      this.validatedOnce = true;
      return value;
    });
  }

  /** Runs `fn` with this SVI's store as the current one and the validation policy applied. */
  private inContext<R>(fn: () => R): R {
    const withStore = () => (this.options.store ? withParamStore(this.options.store, fn) : fn());
    const validate = getValidateArgs();
    if (!validate || this.options.validateEveryStep || !this.validatedOnce) return withStore();
    setValidateArgs(false);
    try {
      return withStore();
    } finally {
      setValidateArgs(validate);
    }
  }

  private runLoss(args: A, stepSeed: number, capture: ParamCaptureMessenger): tf.Scalar {
    return new SeedMessenger(stepSeed).run(() => capture.run(() => this.loss.differentiableLoss(this.model, this.guide, ...args)));
  }

  /** Whether the cached variables still are the store's variables of the cached names. */
  private cacheValid(store: ParamStore): boolean {
    if (this.paramNames === undefined) return false;
    for (let i = 0; i < this.paramNames.length; i++) {
      const name = this.paramNames[i]!;
      if (!store.has(name) || store.getUnconstrained(name) !== this.variables[i]) return false;
    }
    return true;
  }

  private setParams(store: ParamStore, names: Iterable<string>): void {
    this.paramNames = [...new Set(names)];
    this.variables = this.paramNames.map((n) => store.getUnconstrained(n));
  }

  private lossAndGrads(args: A, stepSeed: number): { value: number; grads: VariableGrad[] } {
    const store = this.store;
    if (!this.cacheValid(store)) {
      // Param-only discovery run (it also creates params on first use); same seed as the step.
      const capture = new ParamCaptureMessenger();
      tf.tidy(() => {
        this.runLoss(args, stepSeed, capture);
      });
      this.setParams(store, capture.names);
    }
    for (;;) {
      const trainable = this.variables.filter((v) => v.trainable);
      const capture = new ParamCaptureMessenger();
      if (trainable.length === 0) {
        const loss = this.runLoss(args, stepSeed, capture);
        const value = loss.dataSync()[0]!;
        loss.dispose();
        return { value, grads: [] };
      }
      const { value: loss, grads } = tf.variableGrads(() => this.runLoss(args, stepSeed, capture), trainable);
      const known = new Set(this.paramNames);
      const fresh = [...capture.names].filter((n) => !known.has(n));
      if (fresh.length > 0) {
        // The step touched params the cached list lacks: redo it with them (same seed).
        loss.dispose();
        tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g !== null));
        this.setParams(store, [...this.paramNames!, ...fresh]);
        continue;
      }
      const value = loss.dataSync()[0]!;
      loss.dispose();
      const pairs: VariableGrad[] = [];
      for (const v of trainable) {
        const g = grads[v.name];
        if (g) pairs.push([v, g]);
      }
      return { value, grads: pairs };
    }
  }

  private handleNonFinite(stepNumber: number, value: number, args: A, stepSeed: number): void {
    const site = this.diagnose(args, stepSeed);
    if (this.options.skipNonFinite) {
      this.skippedSteps += 1;
      return;
    }
    const where = site
      ? `the first non-finite log-density is at ${site.program} site '${site.name}'${site.particle > 0 ? ` (particle ${site.particle})` : ""}\n${site.shapes}`
      : "every site's log-density is finite (check the loss' own terms and the parameters)";
    throw new NonFiniteLossError(
      `SVI step ${stepNumber}: the loss is ${value}; parameters left unchanged; ${where}\n(step seed ${stepSeed}: re-run the step's traces under seed(fn, ${stepSeed}))`,
      stepNumber,
      value,
      site,
      stepSeed,
    );
  }

  /** Re-runs the step's traces under its seed, with validation off, to find the bad site. */
  private diagnose(args: A, stepSeed: number): NonFiniteSite | undefined {
    const validate = getValidateArgs();
    setValidateArgs(false);
    try {
      return new SeedMessenger(stepSeed).run(() => {
        if (this.loss.findNonFiniteSite) return this.loss.findNonFiniteSite(this.model, this.guide, ...args);
        let found: NonFiniteSite | undefined;
        tf.tidy(() => {
          found = firstNonFiniteIn(runGuideThenModel(this.model, this.guide, args), 0);
        });
        return found;
      });
    } finally {
      setValidateArgs(validate);
    }
  }
}
