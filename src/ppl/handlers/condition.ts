/**
 * `condition` and `substitute`: fix the values of named sites.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { toTensor, type TensorInput } from "../../backend/tensor.js";
import { Messenger, type Message } from "../runtime.js";

/** Values by site name, or a function from a site name to its value (undefined: leave it). */
export type SiteValues = Readonly<Record<string, TensorInput>> | ((name: string) => tf.Tensor | undefined);

function lookup(data: SiteValues, name: string, handler: string): tf.Tensor | undefined {
  if (typeof data === "function") return data(name);
  if (!Object.prototype.hasOwnProperty.call(data, name)) return undefined;
  return toTensor(data[name]!, name, handler);
}

/** The handler behind {@link condition}. */
export class ConditionMessenger extends Messenger {
  constructor(private readonly data: SiteValues) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type !== "sample") return;
    const value = lookup(this.data, msg.name, "condition");
    if (value === undefined) return;
    msg.value = value;
    msg.isObserved = true;
    msg.done = true;
  }
}

/**
 * Conditions sample sites on data: each named site becomes observed with the given value.
 *
 * @example
 * ```ts
 * const conditioned = condition(model, { x: tf.tensor1d([0.5, 1.2]) });
 * ```
 */
export function condition<A extends unknown[], R>(fn: (...args: A) => R, data: SiteValues): (...args: A) => R {
  return (...args: A) => new ConditionMessenger(data).run(() => fn(...args));
}

/** The handler behind {@link substitute}. */
export class SubstituteMessenger extends Messenger {
  constructor(private readonly data: SiteValues) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type !== "sample" && msg.type !== "param") return;
    const value = lookup(this.data, msg.name, "substitute");
    if (value === undefined) return;
    msg.value = value;
    msg.done = true;
  }
}

/**
 * Substitutes values at param and latent sample sites (they stay unobserved): a way to fix
 * parameters or latents, e.g. to the values a fitted guide found.
 *
 * @example
 * ```ts
 * const fixed = substitute(model, { loc: tf.scalar(0.3) });
 * ```
 */
export function substitute<A extends unknown[], R>(fn: (...args: A) => R, data: SiteValues): (...args: A) => R {
  return (...args: A) => new SubstituteMessenger(data).run(() => fn(...args));
}
