/**
 * `LowerCholeskyTransform`: unconstrained vectors of length n(n+1)/2 onto n × n lower-triangular
 * matrices with positive diagonal.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape } from "../../backend/tensor.js";
import { lowerCholesky, realVector, type Constraint } from "../constraints.js";
import { Transform } from "./transform.js";

/** n for a packed length m = n(n+1)/2, or throws. */
function sideFromPacked(m: number, name: string): number {
  const n = Math.round((Math.sqrt(8 * m + 1) - 1) / 2);
  if ((n * (n + 1)) / 2 !== m || n < 1) {
    throw new Error(`${name}: a packed lower triangle has length n(n+1)/2 (1, 3, 6, 10, ...), got ${m}`);
  }
  return n;
}

/** Row-major positions (i, j), j <= i, of the lower triangle of an n × n matrix. */
function lowerPositions(n: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out.push([i, j]);
  return out;
}

/** `[m, n·n]` one-hot matrix scattering a packed vector into a flattened matrix. */
function scatterMatrix(n: number): tf.Tensor2D {
  const pos = lowerPositions(n);
  const data = new Float32Array(pos.length * n * n);
  pos.forEach(([i, j], k) => {
    data[k * n * n + i * n + j] = 1;
  });
  return tf.tensor2d(data, [pos.length, n * n]);
}

/** `[n·n, m]` one-hot matrix gathering the lower triangle of a flattened matrix. */
function gatherMatrix(n: number): tf.Tensor2D {
  const pos = lowerPositions(n);
  const m = pos.length;
  const data = new Float32Array(n * n * m);
  pos.forEach(([i, j], k) => {
    data[(i * n + j) * m + k] = 1;
  });
  return tf.tensor2d(data, [n * n, m]);
}

/** 1 where packed position k is a diagonal entry, else 0. */
function diagonalMask(n: number): tf.Tensor1D {
  return tf.tensor1d(lowerPositions(n).map(([i, j]) => (i === j ? 1 : 0)));
}

/**
 * Fills an n × n lower-triangular matrix row by row from a vector of length n(n+1)/2 and
 * exponentiates its diagonal (NumPyro's `LowerCholeskyTransform`): a bijection from
 * `realVector` onto `lowerCholesky`, with `log|det J| = Σ diagonal entries of x`. The packing
 * order is `(0,0), (1,0), (1,1), (2,0), ...`. This is `bijectTo(constraints.lowerCholesky)`:
 * the unconstrained value of an n × n Cholesky factor is a vector of length n(n+1)/2.
 *
 * @example
 * ```ts
 * new LowerCholeskyTransform().forward(tf.tensor1d([0, 2, 0])); // [[1, 0], [2, 1]]
 * ```
 */
export class LowerCholeskyTransform extends Transform {
  readonly domain: Constraint = realVector;
  readonly codomain: Constraint = lowerCholesky;

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      if (x.rank < 1) throw new Error(`${this.name}: needs a vector, got a scalar`);
      const m = x.shape[x.rank - 1]!;
      const n = sideFromPacked(m, this.name);
      const d = diagonalMask(n);
      // exp on the diagonal only, written so that neither branch can overflow into NaN gradients.
      const v = tf.add(tf.mul(x, tf.sub(1, d)), tf.mul(tf.exp(tf.mul(x, d)), d));
      const flat = tf.matMul(v.reshape([-1, m]), scatterMatrix(n));
      return flat.reshape([...x.shape.slice(0, -1), n, n]);
    });
  }

  inverse(y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = y.shape[y.rank - 1]!;
      if (y.rank < 2 || y.shape[y.rank - 2] !== n) {
        throw new Error(`${this.name}.inverse: needs square matrices, got shape ${formatShape(y.shape)}`);
      }
      const m = (n * (n + 1)) / 2;
      const d = diagonalMask(n);
      const v = tf.matMul(y.reshape([-1, n * n]), gatherMatrix(n)).reshape([...y.shape.slice(0, -2), m]);
      return tf.add(tf.mul(v, tf.sub(1, d)), tf.mul(tf.log(tf.add(tf.mul(v, d), tf.sub(1, d))), d));
    });
  }

  logAbsDetJacobian(x: tf.Tensor, _y: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const n = sideFromPacked(x.shape[x.rank - 1]!, this.name);
      return tf.sum(tf.mul(x, diagonalMask(n)), -1);
    });
  }

  override forwardShape(shape: readonly number[]): number[] {
    if (shape.length < 1) throw new Error(`${this.name}: needs a vector, got shape ${formatShape(shape)}`);
    const n = sideFromPacked(shape[shape.length - 1]!, this.name);
    return [...shape.slice(0, -1), n, n];
  }

  override inverseShape(shape: readonly number[]): number[] {
    const n = shape[shape.length - 1]!;
    if (shape.length < 2 || shape[shape.length - 2] !== n) {
      throw new Error(`${this.name}: needs square matrices, got shape ${formatShape(shape)}`);
    }
    return [...shape.slice(0, -2), (n * (n + 1)) / 2];
  }
}
