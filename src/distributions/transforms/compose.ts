/**
 * `ComposeTransform`: several transforms applied in order, with event dimensions tracked
 * as in torch.distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sumRightmost } from "../../backend/tensor.js";
import { independent, real, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/**
 * `y = parts[k-1](... parts[1](parts[0](x)))`. The log-det-Jacobian is the sum of the parts',
 * each summed over the event dimensions the composite has beyond that part's own. An empty
 * composition is the identity on the reals ({@link identityTransform}).
 *
 * @example
 * ```ts
 * // (0, ∞) → (3, ∞): exp, then shift by 3
 * const t = new ComposeTransform([new ExpTransform(), new AffineTransform(3, 1)]);
 * ```
 */
export class ComposeTransform extends Transform {
  readonly domain: Constraint;
  readonly codomain: Constraint;
  /** The transforms, applied first to last. */
  readonly parts: readonly Transform[];

  constructor(parts: readonly Transform[]) {
    super();
    this.parts = [...parts];
    if (this.parts.length === 0) {
      this.domain = real;
      this.codomain = real;
      return;
    }
    const first = this.parts[0]!;
    const last = this.parts[this.parts.length - 1]!;
    // Domain event dim: walk backwards from the codomain's.
    let eventDim = last.codomain.eventDim;
    for (let i = this.parts.length - 1; i >= 0; i--) {
      const p = this.parts[i]!;
      eventDim = Math.max(eventDim + p.domain.eventDim - p.codomain.eventDim, p.domain.eventDim);
    }
    this.domain = eventDim > first.domain.eventDim ? independent(first.domain, eventDim - first.domain.eventDim) : first.domain;
    // Codomain event dim: walk forwards from the domain's.
    eventDim = this.domain.eventDim;
    for (const p of this.parts) {
      eventDim = Math.max(eventDim + p.codomain.eventDim - p.domain.eventDim, p.codomain.eventDim);
    }
    this.codomain = eventDim > last.codomain.eventDim ? independent(last.codomain, eventDim - last.codomain.eventDim) : last.codomain;
  }

  override get sign(): number {
    return this.parts.reduce((s, p) => s * p.sign, 1);
  }

  override get name(): string {
    return `ComposeTransform([${this.parts.map((p) => p.name).join(", ")}])`;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.parts.reduce((v, p) => p.forward(v), tf.clone(x)));
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.parts.reduceRight((v, p) => p.inverse(v), tf.clone(y)));
  }

  logAbsDetJacobian(x: tf.Tensor, y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (this.parts.length === 0) return sumRightmost(tf.zerosLike(x), this.domain.eventDim);
      let eventDim = this.domain.eventDim;
      let total: tf.Tensor | undefined;
      let v = x;
      this.parts.forEach((p, i) => {
        const next = i === this.parts.length - 1 ? y : p.forward(v);
        const term = sumRightmost(p.logAbsDetJacobian(v, next), eventDim - p.domain.eventDim);
        total = total === undefined ? term : tf.add(total, term);
        eventDim += p.codomain.eventDim - p.domain.eventDim;
        v = next;
      });
      return total!;
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    return this.parts.reduce((s, p) => p.forwardShape(s), [...shape]);
  }

  override inverseShape(shape: readonly number[]): number[] {
    return this.parts.reduceRight((s, p) => p.inverseShape(s), [...shape]);
  }
}

/** The identity transform on the reals (an empty {@link ComposeTransform}), `bijectTo(real)`. */
export const identityTransform: Transform = new ComposeTransform([]);
