/**
 * `StickBreakingTransform`: unconstrained vectors in R^{k-1} onto the k-simplex.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "../../backend/tensor.js";
import { realVector, simplex, type Constraint } from "../constraints.js";
import { logSigmoid } from "../special.js";
import { Transform } from "./transform.js";

const TINY = 1.1754943508222875e-38;

/** `log(d), log(d-1), ..., log(1)`: the offsets that make x = 0 map to the uniform point. */
function logOffsets(d: number): tf.Tensor {
  return tf.log(tf.range(d, 0, -1, "float32"));
}

/**
 * The stick-breaking bijection from `R^{k-1}` onto the interior of the k-simplex (torch's
 * `StickBreakingTransform`): with `u_i = x_i - log(k-1-i)` and `z_i = σ(u_i)`,
 * `y_i = z_i ∏_{j<i} (1 - z_j)` for `i < k-1` and `y_{k-1} = ∏_j (1 - z_j)`. `x = 0` maps to
 * the uniform vector. Everything is computed in log space, so no intermediate under- or
 * overflows to NaN, and the log-det-Jacobian
 * `Σ_i [log σ(u_i) + log σ(-u_i) + Σ_{j<i} log σ(-u_j)]` is taken from `x`, not from `y`.
 *
 * @example
 * ```ts
 * new StickBreakingTransform().forward(tf.zeros([2])); // [1/3, 1/3, 1/3]
 * ```
 */
export class StickBreakingTransform extends Transform {
  readonly domain: Constraint = realVector;
  readonly codomain: Constraint = simplex;

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.sub(x, logOffsets(lastDim(x, this.name)));
      const logRest = logSigmoid(tf.neg(u)); // log(1 - z_i)
      const before = cumsumLast(logRest, true); // Σ_{j<i} log(1 - z_j)
      const head = tf.exp(tf.add(logSigmoid(u), before));
      const tail = tf.exp(tf.sum(logRest, -1, true));
      return tf.concat([head, tail], -1);
    });
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const k = lastDim(y, this.name);
      if (k < 2) throw new Error(`${this.name}.inverse: a simplex value needs at least 2 entries, got shape ${formatShape(y.shape)}`);
      const d = k - 1;
      const begin = y.shape.map(() => 0);
      const size = [...y.shape.slice(0, -1), d];
      const head = tf.slice(y, begin, size);
      // Remaining stick after i: Σ_{j>i} y_j (a reverse cumulative sum is more accurate than 1 - Σ_{j<=i} y_j).
      const rest = tf.slice(cumsumLast(y, true, true), begin, size);
      return tf.add(
        tf.sub(tf.log(tf.maximum(head, TINY)), tf.log(tf.maximum(rest, TINY))),
        logOffsets(d),
      );
    });
  }

  logAbsDetJacobian(x: tf.Tensor, _y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const u = tf.sub(x, logOffsets(lastDim(x, this.name)));
      const logRest = logSigmoid(tf.neg(u));
      const before = cumsumLast(logRest, true);
      return tf.sum(tf.add(tf.add(logSigmoid(u), logRest), before), -1);
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error(`${this.name}: needs a vector, got shape ${formatShape(shape)}`);
    return [...shape.slice(0, -1), shape[shape.length - 1]! + 1];
  }

  override inverseShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error(`${this.name}: needs a vector, got shape ${formatShape(shape)}`);
    return [...shape.slice(0, -1), shape[shape.length - 1]! - 1];
  }
}

/** Cumulative sum over the last axis (tfjs' cumsum mishandles a negative axis). */
function cumsumLast(x: tf.Tensor, exclusive: boolean, reverse = false): tf.Tensor {
  return tf.cumsum(x, x.rank - 1, exclusive, reverse);
}

function lastDim(x: tf.Tensor, name: string): number {
  if (x.rank < 1) throw new Error(`${name}: needs a vector, got a scalar`);
  return x.shape[x.rank - 1]!;
}
