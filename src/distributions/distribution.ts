/**
 * The `Distribution` base class shared by every family.
 *
 * Shapes follow torch.distributions: `sample(s).shape = s + batchShape + eventShape` and
 * `logProb(value)` has shape `sampleShape + batchShape`. A distribution holds its parameter
 * tensors; derived quantities (`mean`, `variance`, ...) are computed on each call and owned
 * by the caller, so wrap work in `tf.tidy` as usual.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { firstFalse, formatShape, stopGradient, toTensor, type TensorInput } from "../backend/tensor.js";
import type { Constraint } from "./constraints.js";

/** Options every distribution accepts. */
export interface DistributionOptions {
  /**
   * Check parameters on construction and values in `logProb` (default: the global setting,
   * itself `true` unless changed by {@link setValidateArgs}). Checking reads tensor values and
   * so costs a sync: hot loops build their distributions with `validateArgs: false`.
   */
  validateArgs?: boolean;
}

let validateByDefault = true;

/** Turns argument validation on or off for every distribution built afterwards without an explicit option. */
export function setValidateArgs(enabled: boolean): void {
  validateByDefault = enabled;
}

/** Whether distributions validate their arguments by default. */
export function getValidateArgs(): boolean {
  return validateByDefault;
}

/** Wrappers defined in their own files, registered when those files load (avoids import cycles). */
interface Wrappers {
  expand(base: Distribution, batchShape: number[]): Distribution;
  independent(base: Distribution, reinterpretedBatchNdims: number): Distribution;
  masked(base: Distribution, mask: tf.Tensor | boolean): Distribution;
}
const wrappers: Partial<Wrappers> = {};

/** @internal Called by `expanded.ts`, `independent.ts` and `masked.ts` on load. */
export function registerWrapper<K extends keyof Wrappers>(kind: K, make: Wrappers[K]): void {
  wrappers[kind] = make;
}

function wrapper<K extends keyof Wrappers>(kind: K): Wrappers[K] {
  const make = wrappers[kind];
  if (!make) throw new Error(`Distribution.${kind}: import "scvi-ts/distributions" to load the wrapper classes`);
  return make;
}

/**
 * A probability distribution over tensors. Subclasses set `batchShape` and `eventShape` and
 * implement `logProb`, `support` and a sampler.
 */
export abstract class Distribution {
  /** Shape of independent, non-identical parameterisations (the "batch"). */
  readonly batchShape: number[];
  /** Shape of one draw of the distribution (e.g. `[k]` for a Dirichlet over k categories). */
  readonly eventShape: number[];
  /** Whether parameters and `logProb` values are validated. */
  readonly validateArgs: boolean;

  protected constructor(batchShape: readonly number[], eventShape: readonly number[], options: DistributionOptions = {}) {
    this.batchShape = [...batchShape];
    this.eventShape = [...eventShape];
    this.validateArgs = options.validateArgs ?? validateByDefault;
  }

  /** The set of values the distribution puts mass on. */
  abstract get support(): Constraint;

  /** Whether `rsample` is available (reparameterized, pathwise-differentiable sampling). */
  get hasRsample(): boolean {
    return false;
  }

  /** Whether `enumerateSupport` is available (finite discrete support). */
  get hasEnumerateSupport(): boolean {
    return false;
  }

  /** The family's name, used in error messages. */
  get name(): string {
    return this.constructor.name;
  }

  /** `eventShape.length`. */
  get eventDim(): number {
    return this.eventShape.length;
  }

  /** `sampleShape + batchShape + eventShape`. */
  shape(sampleShape: readonly number[] = []): number[] {
    return [...sampleShape, ...this.batchShape, ...this.eventShape];
  }

  /**
   * Draws a sample of shape `sampleShape + batchShape + eventShape`. No gradient flows
   * through it to the parameters. The default detaches `rsample`.
   */
  sample(sampleShape: readonly number[] = []): tf.Tensor {
    if (this.hasRsample) return tf.tidy(() => stopGradient(this.rsample(sampleShape)));
    throw new Error(`${this.name} does not implement sample()`);
  }

  /** A reparameterized sample: gradients flow to the parameters. */
  rsample(_sampleShape: readonly number[] = []): tf.Tensor {
    throw new Error(`${this.name} has no reparameterized sampler (hasRsample is false); use sample()`);
  }

  /** Log density (or mass) of `value`, of shape `sampleShape + batchShape`. */
  abstract logProb(value: tf.Tensor): tf.Tensor;

  /** The mean, of shape `batchShape + eventShape`. */
  get mean(): tf.Tensor {
    throw new Error(`${this.name} has no closed-form mean`);
  }

  /** The variance, of shape `batchShape + eventShape`. */
  get variance(): tf.Tensor {
    throw new Error(`${this.name} has no closed-form variance`);
  }

  /** The standard deviation, `sqrt(variance)`. */
  get stddev(): tf.Tensor {
    return tf.tidy(() => tf.sqrt(this.variance));
  }

  /** The entropy, of shape `batchShape`, where it has a closed form. */
  entropy(): tf.Tensor {
    throw new Error(`${this.name} has no closed-form entropy`);
  }

  /**
   * The finite support, of shape `[n] + batchShape + eventShape` when `expand` (default) and
   * `[n] + [1, ..., 1] + eventShape` otherwise.
   */
  enumerateSupport(_expand = true): tf.Tensor {
    throw new Error(`${this.name} has no finite support to enumerate`);
  }

  /**
   * The same distribution broadcast to a larger `batchShape` (only broadcasting: no new
   * randomness is shared or created). Families override this to broadcast their parameters.
   */
  expand(batchShape: readonly number[]): Distribution {
    return wrapper("expand")(this, [...batchShape]);
  }

  /** Reinterprets the `n` rightmost batch dimensions as event dimensions (an `Independent`). */
  toEvent(n?: number): Distribution {
    const dims = n ?? this.batchShape.length;
    if (dims === 0) return this;
    return wrapper("independent")(this, dims);
  }

  /** Masks `logProb` by a boolean tensor broadcastable to `batchShape` (masked entries give 0). */
  mask(mask: tf.Tensor | boolean): Distribution {
    return wrapper("masked")(this, mask);
  }

  /**
   * Converts a constructor argument to a float tensor, naming the parameter and family on error.
   */
  protected param(x: TensorInput, name: string): tf.Tensor {
    return toTensor(x, name, this.name);
  }

  /**
   * Throws when `value` violates `constraint` (or has NaN), naming the family and the parameter.
   * No-op when validation is off.
   */
  protected checkParam(name: string, value: tf.Tensor, constraint: Constraint): void {
    if (!this.validateArgs) return;
    const bad = tf.tidy(() => {
      // NaN anywhere in an event makes the event invalid (the constraint reports per event).
      let nan = tf.isNaN(value);
      if (constraint.eventDim > 0) nan = tf.any(nan, Array.from({ length: constraint.eventDim }, (_, i) => value.rank - 1 - i));
      const ok = tf.logicalAnd(constraint.check(value), tf.logicalNot(nan));
      return firstFalse(ok.rank > 0 ? ok : ok.reshape([1]));
    });
    if (bad >= 0) {
      const shown = value.dataSync()[bad];
      throw new Error(
        `${this.name}: parameter '${name}' must be ${constraint.name}, but element ${bad} of shape ${formatShape(value.shape)} is ${shown}`,
      );
    }
  }

  /**
   * Throws when `value` lies outside the support (no-op when validation is off), naming the
   * family and the first offending element.
   */
  protected checkSupport(value: tf.Tensor): void {
    if (!this.validateArgs) return;
    const bad = tf.tidy(() => {
      const ok = this.support.check(value);
      return firstFalse(ok.rank > 0 ? ok : ok.reshape([1]));
    });
    if (bad >= 0) {
      throw new Error(
        `${this.name}.logProb: value outside the support (${this.support.name}) at element ${bad} of a value of shape ${formatShape(value.shape)}`,
      );
    }
  }
}
