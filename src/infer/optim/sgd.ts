/**
 * `SGD` with momentum, dampening, Nesterov and L2 weight decay (torch semantics).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Optimizer, type OptimizerOptions, type SlotState } from "./optimizer.js";

/** Options of {@link SGD}. */
export interface SGDOptions extends OptimizerOptions {
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Momentum factor (default 0). */
  momentum?: number;
  /** Dampening of the momentum (default 0). */
  dampening?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Nesterov momentum (default false; needs `momentum > 0` and `dampening = 0`). */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent with torch's semantics: `g = grad + weightDecay * p`; with
 * momentum the buffer starts at `g` and then is `momentum * buf + (1 - dampening) * g`; the
 * step uses the buffer (or `g + momentum * buf` with Nesterov): `p -= lr * step`.
 *
 * @example
 * ```ts
 * const opt = new SGD({ lr: 0.1, momentum: 0.9 });
 * ```
 */
export class SGD extends Optimizer {
  /** Momentum factor. */
  readonly momentum: number;
  /** Momentum dampening. */
  readonly dampening: number;
  /** L2 weight decay. */
  readonly weightDecay: number;
  /** Whether Nesterov momentum is used. */
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, 1e-2);
    this.momentum = Optimizer.checkNonNegative("SGD", "momentum", options.momentum ?? 0);
    this.dampening = Optimizer.checkNonNegative("SGD", "dampening", options.dampening ?? 0);
    this.weightDecay = Optimizer.checkNonNegative("SGD", "weightDecay", options.weightDecay ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error("SGD: Nesterov momentum requires momentum > 0 and dampening = 0");
    }
  }

  protected updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void {
    let g = this.weightDecay === 0 ? grad : tf.add(grad, tf.mul(variable, this.weightDecay));
    if (this.momentum !== 0) {
      const buf = this.slot(variable, state, "momentumBuffer");
      const next = state.step === 1 ? g : tf.add(tf.mul(buf, this.momentum), this.dampening === 0 ? g : tf.mul(g, 1 - this.dampening));
      buf.assign(next);
      g = this.nesterov ? tf.add(g, tf.mul(next, this.momentum)) : next;
    }
    variable.assign(tf.sub(variable, tf.mul(g, this.lr)));
  }

  protected updateHost(values: Float32Array, grad: Float32Array, state: SlotState): void {
    const { momentum, dampening, weightDecay, nesterov, lr } = this;
    const buf = momentum !== 0 ? this.hostSlot(state, "momentumBuffer", values.length) : undefined;
    const first = state.step === 1;
    for (let i = 0; i < values.length; i++) {
      let g = grad[i]! + weightDecay * values[i]!;
      if (buf) {
        const b = first ? g : momentum * buf[i]! + (1 - dampening) * g;
        buf[i] = b;
        g = nesterov ? g + momentum * b : b;
      }
      values[i] = values[i]! - lr * g;
    }
  }
}
