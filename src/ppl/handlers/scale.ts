/**
 * `scale` and `mask`: reweight or switch off the log-density of sites.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Messenger, type Message } from "../runtime.js";

/** The handler behind {@link scale}. */
export class ScaleMessenger extends Messenger {
  constructor(
    /** The multiplier of every site's log-density (finite, ≥ 0). */
    readonly factor: number,
  ) {
    super();
    if (!Number.isFinite(factor) || factor < 0) {
      throw new Error(`scale: factor must be a finite number >= 0, got ${factor}`);
    }
  }

  override process(msg: Message): void {
    msg.scale *= this.factor;
  }
}

/**
 * Multiplies the log-density of every site in `fn` by `factor` (nested scales multiply).
 * Used for KL annealing and minibatch rescaling.
 *
 * @example
 * ```ts
 * const annealed = scale(model, 0.5);
 * ```
 */
export function scale<A extends unknown[], R>(fn: (...args: A) => R, factor: number): (...args: A) => R {
  return (...args: A) => new ScaleMessenger(factor).run(() => fn(...args));
}

/** Combines two masks by logical AND (`null` and `true` mean "all on"). */
export function combineMasks(a: tf.Tensor | boolean | null, b: tf.Tensor | boolean | null): tf.Tensor | boolean | null {
  if (a === null || a === true) return b;
  if (b === null || b === true) return a;
  if (a === false || b === false) return false;
  return tf.logicalAnd(tf.cast(a, "bool"), tf.cast(b, "bool"));
}

/** The handler behind {@link mask}. */
export class MaskMessenger extends Messenger {
  constructor(
    /** The mask: a boolean, or a boolean tensor broadcast to each site's batch shape. */
    readonly maskValue: tf.Tensor | boolean,
  ) {
    super();
  }

  override process(msg: Message): void {
    msg.mask = combineMasks(msg.mask, this.maskValue);
  }
}

/**
 * Masks the log-density of every site in `fn`: `mask(fn, false)` zeroes it, a boolean tensor
 * (broadcast to each site's batch shape) zeroes the masked-out entries; masks combine by AND.
 *
 * @example
 * ```ts
 * const partial = mask(model, tf.tensor1d([1, 0, 1], "bool"));
 * ```
 */
export function mask<A extends unknown[], R>(fn: (...args: A) => R, maskValue: tf.Tensor | boolean): (...args: A) => R {
  return (...args: A) => new MaskMessenger(maskValue).run(() => fn(...args));
}
