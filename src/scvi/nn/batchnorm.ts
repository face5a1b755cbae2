/**
 * `BatchNorm1d` (PyTorch's `nn.BatchNorm1d` with scvi-tools' settings: momentum 0.01,
 * eps 1e-3) and the training-mode batch-normalisation op with a closed-form gradient.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { sumRows } from "../../backend/heap-ops.js";
import { nextSeed } from "../../backend/random.js";
import { batchNormBackwardHeap, batchNormForwardHeap } from "./batchnorm-heap.js";
import { Module } from "./module.js";

/** Options of {@link BatchNorm1d}. */
export interface BatchNorm1dOptions {
  /** Weight of the newest batch in the running statistics (default 0.01, scvi-tools' value; PyTorch's is 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-3, scvi-tools' value; PyTorch's is 1e-5). */
  eps?: number;
}

/**
 * Batch statistics of `x` (`[n, c]`) over its first axis: the mean and the biased variance.
 */
function moments2d(x: tf.Tensor): { mean: tf.Tensor; variance: tf.Tensor } {
  // Column sums through `sumRows` (the wasm backend's reduction over axis 0 transposes first).
  const n = x.shape[0]!;
  const mean = tf.div(sumRows(x), n);
  const centred = tf.sub(x, mean);
  const variance = tf.div(sumRows(tf.square(centred)), n);
  return { mean, variance };
}

/** Running statistics that {@link batchNormTrain} updates. */
export interface RunningStatistics {
  /** The running mean, `[c]`. */
  mean: tf.Variable;
  /** The running (unbiased) variance, `[c]`. */
  variance: tf.Variable;
  /** The weight of the newest batch. */
  momentum: number;
}

/** Options of {@link batchNormTrain}. */
export interface BatchNormTrainOptions {
  /** Added to the variance before the square root. */
  eps: number;
  /**
   * Receives the batch mean and unbiased variance (computed outside the gradient tape) so a
   * module can update its running statistics; the tensors are disposed after it returns.
   */
  onStats?: (mean: tf.Tensor, unbiasedVariance: tf.Tensor) => void;
  /**
   * Running statistics to update in the same op (outside the gradient tape):
   * `r ← (1 − momentum) · r + momentum · batch`, with the unbiased batch variance.
   */
  running?: RunningStatistics;
  /** Apply ReLU to the normalised output (in the same op). Default false. */
  relu?: boolean;
  /**
   * Apply inverted dropout with this probability (in the same op; 0 ≤ p < 1, default 0). The
   * mask is `floor(u + 1 − p) / (1 − p)` with `u ~ U[0, 1)` seeded from the global stream, the
   * same formula and seed use as `tf.dropout`, so the fused op draws the same mask as
   * batch norm → ReLU → `Dropout` with that seed.
   */
  dropoutRate?: number;
}

/**
 * Training-mode batch normalisation of `x` (`[n, c]`),
 * `(x − mean) / √(var + eps) · gamma + beta` with the batch mean and biased variance,
 * optionally followed by ReLU and dropout, as one op whose gradient is the closed form (a
 * handful of `[n, c]` ops instead of autodiff through the moments, the activation and the
 * mask: fewer kernels and tape nodes in the hot path of every hidden layer).
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, options: BatchNormTrainOptions): tf.Tensor {
  const n = x.shape[0]!;
  const { eps, onStats } = options;
  const relu = options.relu ?? false;
  const p = options.dropoutRate ?? 0;
  if (!(p >= 0 && p < 1)) throw new Error(`batchNormTrain: dropoutRate=${p} must be in [0, 1)`);
  const seed = p > 0 ? nextSeed() : 0;
  const op = tf.customGrad(((xIn: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    const backward = (dyOut: tf.Tensor, saved: tf.Tensor[]) => {
      const [sHat, sInvStd, sGamma, sMask] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      const onHeap = batchNormBackwardHeap(dyOut, sHat, sInvStd, sGamma, sMask);
      if (onHeap) return onHeap;
      const dy = sMask ? tf.mul(dyOut, sMask) : dyOut;
      const dBeta = sumRows(dy);
      const dGamma = sumRows(tf.mul(dy, sHat));
      // dx = invStd · gamma · (dy − mean(dy) − x̂ · mean(dy · x̂))
      const dx = tf.mul(tf.sub(tf.sub(dy, tf.div(dBeta, n)), tf.mul(sHat, tf.div(dGamma, n))), tf.mul(sInvStd, sGamma));
      return [dx, dGamma, dBeta];
    };
    // The wasm heap's loops where they apply (same formulas, moments in float64).
    const uniform = p > 0 ? tf.randomUniform(xIn.shape, 0, 1, "float32", seed) : undefined;
    const running = options.running;
    const heap = batchNormForwardHeap(xIn, g, b, { eps, relu, dropoutRate: p, uniform, running });
    if (heap) {
      if (onStats) onStats(heap.mean, heap.unbiasedVariance);
      if (running && heap.running) {
        running.mean.assign(heap.running[0]);
        running.variance.assign(heap.running[1]);
      }
      save(heap.mask ? [heap.xHat, heap.invStd, g, heap.mask] : [heap.xHat, heap.invStd, g]);
      return { value: heap.value, gradFunc: backward };
    }
    const { mean, variance } = moments2d(xIn);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    const xHat = tf.mul(tf.sub(xIn, mean), invStd);
    let value = tf.add(tf.mul(xHat, g), b);
    // The output's gradient mask: ReLU's step times the dropout scale (undefined: all ones).
    let mask: tf.Tensor | undefined;
    if (relu) mask = tf.cast(tf.greater(value, 0), "float32");
    if (p > 0) {
      const keep = 1 - p;
      const drop = tf.div(tf.floor(tf.add(uniform!, keep)), keep);
      mask = mask ? tf.mul(mask, drop) : drop;
    }
    if (mask) value = tf.mul(value, mask);
    const unbiased = tf.mul(variance, n / (n - 1));
    if (onStats) onStats(mean, unbiased);
    if (running) {
      const m = running.momentum;
      running.mean.assign(tf.add(tf.mul(running.mean, 1 - m), tf.mul(mean, m)));
      running.variance.assign(tf.add(tf.mul(running.variance, 1 - m), tf.mul(unbiased, m)));
    }
    save(mask ? [xHat, invStd, g, mask] : [xHat, invStd, g]);
    return { value, gradFunc: backward };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return op(x, gamma, beta);
}

/**
 * Batch normalisation over the first axis of `[n, c]` inputs (PyTorch's `nn.BatchNorm1d` with
 * an affine transform and running statistics).
 *
 * In training mode it normalises with the batch mean and biased variance and updates the
 * running statistics with the batch mean and the unbiased variance:
 * `running ← (1 − momentum) · running + momentum · batch`. In evaluation mode it normalises
 * with the running statistics. A 3-d input `[s, n, c]` is normalised slice by slice (as
 * scvi-tools' `FCLayers` does), each slice updating the running statistics in turn.
 *
 * Parameters: `weight` (γ, ones) and `bias` (β, zeros); buffers: `runningMean` (zeros) and
 * `runningVar` (ones).
 *
 * @example
 * ```ts
 * const bn = new BatchNorm1d(128);
 * const y = bn.forward(h); // h: [batch, 128]
 * ```
 */
export class BatchNorm1d extends Module {
  /** γ, `[c]`. */
  readonly weight: tf.Variable;
  /** β, `[c]`. */
  readonly bias: tf.Variable;
  /** Running mean, `[c]` (a buffer). */
  readonly runningMean: tf.Variable;
  /** Running (unbiased) variance, `[c]` (a buffer). */
  readonly runningVar: tf.Variable;
  /** The momentum of the running statistics. */
  readonly momentum: number;
  /** The variance offset. */
  readonly eps: number;

  /** @param numFeatures the number of features `c` */
  constructor(
    readonly numFeatures: number,
    options: BatchNorm1dOptions = {},
  ) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new Error(`BatchNorm1d: numFeatures=${numFeatures} must be a positive integer`);
    }
    this.momentum = options.momentum ?? 0.01;
    this.eps = options.eps ?? 1e-3;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`BatchNorm1d: momentum=${this.momentum} must be in [0, 1]`);
    if (!(this.eps > 0)) throw new Error(`BatchNorm1d: eps=${this.eps} must be positive`);
    this.weight = this.registerParameter("weight", tf.ones([numFeatures]));
    this.bias = this.registerParameter("bias", tf.zeros([numFeatures]));
    this.runningMean = this.registerBuffer("runningMean", tf.zeros([numFeatures]));
    this.runningVar = this.registerBuffer("runningVar", tf.ones([numFeatures]));
  }

  /** Normalises `x` of shape `[n, c]` (or `[s, n, c]`, slice by slice). */
  forward(x: tf.Tensor): tf.Tensor {
    return this.forwardWithEpilogue(x, {});
  }

  /**
   * Normalises `x` like {@link BatchNorm1d.forward}, then applies ReLU and (in training mode)
   * dropout. In training mode the three run as one op ({@link batchNormTrain}); the result
   * equals `forward` → `tf.relu` → `Dropout` with the same seed.
   */
  forwardWithEpilogue(x: tf.Tensor, epilogue: { relu?: boolean; dropoutRate?: number }): tf.Tensor {
    const c = this.numFeatures;
    if ((x.rank !== 2 && x.rank !== 3) || x.shape[x.rank - 1] !== c) {
      throw new Error(`BatchNorm1d(${c}): expected input [n, ${c}] or [s, n, ${c}], got [${x.shape.join(", ")}]`);
    }
    if (x.rank === 3) {
      return tf.tidy(() => tf.stack(tf.unstack(x, 0).map((slice) => this.forwardWithEpilogue(slice, epilogue)), 0));
    }
    if (!this.training) {
      return tf.tidy(() => {
        const y = this.forwardEval(x);
        return epilogue.relu ? tf.relu(y) : y;
      });
    }
    const n = x.shape[0]!;
    if (n < 2) {
      throw new Error(`BatchNorm1d(${c}): training mode needs more than 1 value per feature, got input [${x.shape.join(", ")}]`);
    }
    return tf.tidy(() =>
      batchNormTrain(x, this.weight, this.bias, {
        eps: this.eps,
        running: { mean: this.runningMean, variance: this.runningVar, momentum: this.momentum },
        relu: epilogue.relu ?? false,
        dropoutRate: epilogue.dropoutRate ?? 0,
      }),
    );
  }

  private forwardEval(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const scale = tf.mul(this.weight, tf.rsqrt(tf.add(this.runningVar, this.eps)));
      const shift = tf.sub(this.bias, tf.mul(this.runningMean, scale));
      return tf.add(tf.mul(x, scale), shift);
    });
  }
}
