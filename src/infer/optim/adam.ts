/**
 * `Adam` (torch semantics, L2 weight decay added to the gradient) and `AdamW` (decoupled
 * weight decay, torch semantics).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { TfjsHeap } from "../../backend/wasm-heap.js";
import { adamHeapStep } from "./adam-heap.js";
import { Optimizer, type OptimizerOptions, type SlotState } from "./optimizer.js";

/** The per-step scalars of the host (and heap) Adam step: see `AdamBase.adamHost`. */
interface AdamHostOptions {
  clip: number;
  decay: number;
  shrink: number;
  stepSize: number;
  rootScale: number;
}

/** Options of {@link Adam} and {@link AdamW}. */
export interface AdamOptions extends OptimizerOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** Decay rates of the first and second moment averages (default `[0.9, 0.999]`). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** Weight decay (default 0 for `Adam`, 1e-2 for `AdamW`, as in torch). */
  weightDecay?: number;
}

/**
 * One Adam moment update shared by Adam, AdamW and ClippedAdam: updates the two moment slots
 * from `grad` and returns `stepSize * m / (sqrt(v) + epsHat)`, the amount to subtract.
 */
export function adamDirection(
  optimizer: { slotOf(variable: tf.Variable, state: SlotState, name: string): tf.Variable },
  variable: tf.Variable,
  grad: tf.Tensor,
  state: SlotState,
  beta1: number,
  beta2: number,
  stepSize: number,
  epsHat: number,
): tf.Tensor {
  const m = optimizer.slotOf(variable, state, "expAvg");
  const v = optimizer.slotOf(variable, state, "expAvgSq");
  const mNew = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
  const vNew = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
  m.assign(mNew);
  v.assign(vNew);
  return tf.div(tf.mul(mNew, stepSize), tf.add(tf.sqrt(vNew), epsHat));
}

/** Base of the Adam family: holds the hyper-parameters and exposes slots to `adamDirection`. */
abstract class AdamBase extends Optimizer {
  /** Moment decay rates. */
  readonly betas: readonly [number, number];
  /** Denominator offset. */
  readonly eps: number;
  /** Weight decay coefficient. */
  readonly weightDecay: number;

  protected constructor(options: AdamOptions, defaultWeightDecay: number) {
    super(options, 1e-3);
    const kind = new.target.name;
    const [b1, b2] = options.betas ?? [0.9, 0.999];
    this.betas = [Optimizer.checkBeta(kind, "betas[0]", b1), Optimizer.checkBeta(kind, "betas[1]", b2)];
    this.eps = Optimizer.checkNonNegative(kind, "eps", options.eps ?? 1e-8);
    this.weightDecay = Optimizer.checkNonNegative(kind, "weightDecay", options.weightDecay ?? defaultWeightDecay);
  }

  /**
   * The host path's Adam step over arrays: `g = clamp(grad) + decay * p` (clamp and decay
   * optional), moment updates, then `p -= stepSize * m / (sqrt(v) * rootScale + eps)`.
   * torch: `stepSize = lr / bc1`, `rootScale = 1 / sqrt(bc2)`; Pyro's ClippedAdam:
   * `stepSize = lr * sqrt(bc2) / bc1`, `rootScale = 1`.
   * @internal
   */
  protected adamHost(
    values: Float32Array,
    grad: Float32Array,
    state: SlotState,
    opts: AdamHostOptions,
  ): void {
    const [b1, b2] = this.betas;
    const m = this.hostSlot(state, "expAvg", values.length);
    const v = this.hostSlot(state, "expAvgSq", values.length);
    const { clip, decay, shrink, stepSize, rootScale } = opts;
    const eps = this.eps;
    for (let i = 0; i < values.length; i++) {
      let g = grad[i]!;
      if (g > clip) g = clip;
      else if (g < -clip) g = -clip;
      const p = values[i]! * shrink;
      if (decay !== 0) g += decay * values[i]!;
      const mi = b1 * m[i]! + (1 - b1) * g;
      const vi = b2 * v[i]! + (1 - b2) * g * g;
      m[i] = mi;
      v[i] = vi;
      values[i] = p - (stepSize * mi) / (Math.sqrt(vi) * rootScale + eps);
    }
  }

  /**
   * torch's step scalars (see the base class' `adamHost`).
   * @internal
   */
  protected torchOptions(state: SlotState, decay: number, shrink: number): AdamHostOptions {
    const [b1, b2] = this.betas;
    const bc1 = 1 - b1 ** state.step;
    const bc2 = 1 - b2 ** state.step;
    return { clip: Infinity, decay, shrink, stepSize: this.lr / bc1, rootScale: 1 / Math.sqrt(bc2) };
  }

  /**
   * The scalars of this optimizer's step (`state.step` counts the current update).
   * @internal
   */
  protected abstract hostOptions(state: SlotState): AdamHostOptions;

  protected updateHost(values: Float32Array, grad: Float32Array, state: SlotState): void {
    this.adamHost(values, grad, state, this.hostOptions(state));
  }

  /**
   * The host path's step as a WebAssembly kernel on the wasm backend's heap (same results).
   * @internal
   */
  protected override heapStep(heap: TfjsHeap, variable: tf.Variable, grad: tf.Tensor, state: SlotState, coef: number): boolean {
    const [b1, b2] = this.betas;
    const m = this.slot(variable, state, "expAvg");
    const v = this.slot(variable, state, "expAvgSq");
    return adamHeapStep(heap, variable, grad, m, v, { ...this.hostOptions(state), coef, b1, b2, eps: this.eps });
  }

  /** @internal Slot access for {@link adamDirection}. */
  slotOf(variable: tf.Variable, state: SlotState, name: string): tf.Variable {
    return this.slot(variable, state, name);
  }

  /**
   * torch's step: `p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps)`, computed as
   * `p -= (lr * sqrt(bc2) / bc1) * m / (sqrt(v) + eps * sqrt(bc2))` (one op fewer).
   */
  protected torchDirection(variable: tf.Variable, grad: tf.Tensor, state: SlotState): tf.Tensor {
    const [b1, b2] = this.betas;
    const sqrtBc2 = Math.sqrt(1 - b2 ** state.step);
    const bc1 = 1 - b1 ** state.step;
    return adamDirection(this, variable, grad, state, b1, b2, (this.lr * sqrtBc2) / bc1, this.eps * sqrtBc2);
  }
}

/**
 * Adam with torch's semantics: weight decay is an L2 penalty added to the gradient
 * (`grad + weightDecay * param`), bias-corrected moments, `eps` added to the corrected root.
 *
 * @example
 * ```ts
 * const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new TraceELBO());
 * ```
 */
export class Adam extends AdamBase {
  constructor(options: AdamOptions = {}) {
    super(options, 0);
  }

  protected updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void {
    const g = this.weightDecay === 0 ? grad : tf.add(grad, tf.mul(variable, this.weightDecay));
    variable.assign(tf.sub(variable, this.torchDirection(variable, g, state)));
  }

  /** @internal */
  protected hostOptions(state: SlotState): AdamHostOptions {
    return this.torchOptions(state, this.weightDecay, 1);
  }
}

/**
 * AdamW with torch's semantics: decoupled weight decay, `param *= 1 - lr * weightDecay`
 * before the Adam step (default `weightDecay` 1e-2, as in torch).
 */
export class AdamW extends AdamBase {
  constructor(options: AdamOptions = {}) {
    super(options, 1e-2);
  }

  protected updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void {
    const decayed = this.weightDecay === 0 ? variable : tf.mul(variable, 1 - this.lr * this.weightDecay);
    variable.assign(tf.sub(decayed, this.torchDirection(variable, grad, state)));
  }

  /** @internal */
  protected hostOptions(state: SlotState): AdamHostOptions {
    return this.torchOptions(state, 0, 1 - this.lr * this.weightDecay);
  }
}

/** Options of {@link ClippedAdam}. */
export interface ClippedAdamOptions extends AdamOptions {
  /** Each gradient element is clamped to `[-clipNorm, clipNorm]` before the update (default 10). */
  clipNorm?: number;
  /** The learning rate is multiplied by `lrd` at the start of every update (default 1: no decay). */
  lrd?: number;
}

/**
 * Pyro's `ClippedAdam`: per-element gradient clamping to `±clipNorm`, then (optional) L2
 * weight decay, then Adam with `eps` added to the uncorrected root
 * (`p -= lr * sqrt(bc2) / bc1 * m / (sqrt(v) + eps)`); the learning rate is multiplied by
 * `lrd` at the start of each update.
 *
 * @example
 * ```ts
 * const opt = new ClippedAdam({ lr: 1e-3, clipNorm: 10, lrd: 0.999 });
 * ```
 */
export class ClippedAdam extends AdamBase {
  /** Per-element clamp bound. */
  readonly clipNorm: number;
  /** Per-update learning-rate decay factor. */
  readonly lrd: number;

  constructor(options: ClippedAdamOptions = {}) {
    super(options, 0);
    this.clipNorm = Optimizer.checkNonNegative("ClippedAdam", "clipNorm", options.clipNorm ?? 10);
    this.lrd = Optimizer.checkNonNegative("ClippedAdam", "lrd", options.lrd ?? 1);
  }

  protected override beforeUpdate(): void {
    this.lr *= this.lrd;
  }

  protected updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void {
    const clamped = tf.clipByValue(grad, -this.clipNorm, this.clipNorm);
    const g = this.weightDecay === 0 ? clamped : tf.add(clamped, tf.mul(variable, this.weightDecay));
    const [b1, b2] = this.betas;
    const stepSize = (this.lr * Math.sqrt(1 - b2 ** state.step)) / (1 - b1 ** state.step);
    variable.assign(tf.sub(variable, adamDirection(this, variable, g, state, b1, b2, stepSize, this.eps)));
  }

  /** @internal */
  protected hostOptions(state: SlotState): AdamHostOptions {
    const [b1, b2] = this.betas;
    const stepSize = (this.lr * Math.sqrt(1 - b2 ** state.step)) / (1 - b1 ** state.step);
    return { clip: this.clipNorm, decay: this.weightDecay, shrink: 1, stepSize, rootScale: 1 };
  }
}
