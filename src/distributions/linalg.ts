/**
 * Small batched linear algebra that TensorFlow.js 4.22 lacks: Cholesky factorisation and
 * triangular solves, written as loops over rows/columns of ordinary tensor ops so that
 * autodiff gives their gradients on every backend. Sizes in this library are small (event
 * sizes of a few to a few tens), so the O(n) op count is cheap.
 *
 * Every function takes tensors of shape `[..., n, n]` (and `[..., n, m]` right-hand sides),
 * broadcasts the leading batch dimensions, and never uses `matMul`'s transpose flags (they
 * fall to a scalar loop on the WebAssembly backend).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, formatShape, sizeOf } from "../backend/tensor.js";

function checkSquare(x: tf.Tensor, op: string, arg: string): number {
  const n = x.shape[x.rank - 1];
  if (x.rank < 2 || n !== x.shape[x.rank - 2]) {
    throw new Error(`${op}: '${arg}' must have shape [..., n, n], got ${formatShape(x.shape)}`);
  }
  return n!;
}

/** Swaps the last two dimensions. */
export function matrixTranspose(x: tf.Tensor): tf.Tensor {
  const perm = Array.from({ length: x.rank }, (_, i) => i);
  perm[x.rank - 1] = x.rank - 2;
  perm[x.rank - 2] = x.rank - 1;
  return tf.transpose(x, perm);
}

/**
 * `a @ b` over the last two dimensions with NumPy broadcasting of the leading (batch)
 * dimensions (tfjs' `matMul` broadcasts only partly, and its gradient not at all).
 */
export function batchMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    if (a.rank < 2 || b.rank < 2) {
      throw new Error(`batchMatMul: operands need rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    }
    const batch = broadcastShapes([a.shape.slice(0, -2), b.shape.slice(0, -2)], "batchMatMul");
    // tfjs' matMul gradient does not reduce broadcast batch dimensions, so broadcast
    // explicitly (broadcastTo's gradient sums them back).
    const a2 = broadcastTo(a, [...batch, ...a.shape.slice(-2)]);
    const b2 = broadcastTo(b, [...batch, ...b.shape.slice(-2)]);
    return tf.matMul(a2, b2);
  });
}

/** `a @ v` for a batch of matrices `[..., n, m]` and vectors `[..., m]`, giving `[..., n]`. */
export function matVec(a: tf.Tensor, v: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const aBatch = a.shape.slice(0, -2);
    if (aBatch.every((d) => d === 1) && v.rank >= 1) {
      // One matrix: multiply all vectors at once as rows, v @ aᵀ.
      const [n, m] = a.shape.slice(-2) as [number, number];
      const batch = broadcastShapes([aBatch, v.shape.slice(0, -1)], "matVec");
      const rows = tf.matMul(v.reshape([-1, m]), tf.transpose(a.reshape([n, m])));
      return broadcastTo(rows.reshape([...v.shape.slice(0, -1), n]), [...batch, n]);
    }
    return tf.squeeze(batchMatMul(a, tf.expandDims(v, -1)), [-1]);
  });
}

/** The diagonals of a batch of square matrices: `[..., n, n]` → `[..., n]`. */
export function diagPart(x: tf.Tensor): tf.Tensor {
  const n = checkSquare(x, "diagPart", "x");
  return tf.tidy(() => tf.sum(tf.mul(x, tf.eye(n)), -1));
}

/** Builds diagonal matrices from vectors: `[..., n]` → `[..., n, n]`. */
export function diagEmbed(v: tf.Tensor): tf.Tensor {
  const n = v.shape[v.rank - 1]!;
  return tf.tidy(() => tf.mul(tf.expandDims(v, -1), tf.eye(n)));
}

/** Keeps the lower triangle (diagonal included) of the last two dimensions. */
export function tril(x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  const m = x.shape[x.rank - 2]!;
  return tf.tidy(() => tf.mul(x, tf.linalg.bandPart(tf.ones([m, n]), -1, 0)));
}

/**
 * The lower Cholesky factor `L` of symmetric positive-definite matrices `A = L Lᵀ`, for
 * `A` of shape `[..., n, n]` (only the lower triangle of `A` is read). Computed column by
 * column (Cholesky–Crout) with tensor ops, so it is differentiable. A matrix that is not
 * positive definite gives NaN in its factor; callers that validate check the diagonal.
 */
export function cholesky(a: tf.Tensor): tf.Tensor {
  const n = checkSquare(a, "cholesky", "a");
  return tf.tidy(() => {
    const batch = a.shape.slice(0, -2);
    const cols: tf.Tensor[] = []; // column j of L, shape [..., n]
    const rowsBelow = (j: number) => tf.reshape(tf.concat([tf.zeros([j]), tf.ones([n - j])]), [n]);
    for (let j = 0; j < n; j++) {
      // a[..., :, j]
      let c = tf.squeeze(tf.slice(a, [...batch.map(() => 0), 0, j], [...batch, n, 1]), [-1]);
      if (j > 0) {
        // subtract L[:, :j] @ L[j, :j]ᵀ
        const prev = tf.stack(cols, -1); // [..., n, j]
        const rowJ = tf.slice(prev, [...batch.map(() => 0), j, 0], [...batch, 1, j]); // [..., 1, j]
        c = tf.sub(c, tf.sum(tf.mul(prev, rowJ), -1));
      }
      const pivot = tf.slice(c, [...batch.map(() => 0), j], [...batch, 1]); // [..., 1]
      const col = tf.mul(tf.div(c, tf.sqrt(pivot)), rowsBelow(j));
      cols.push(col);
    }
    return tf.stack(cols, -1);
  });
}

/**
 * Solves `L X = B` for lower-triangular `L` (`[..., n, n]`) and `B` (`[..., n, m]`) by forward
 * substitution, or `U X = B` for upper-triangular `U` when `upper` is set. Only the relevant
 * triangle of the matrix is read; batch dimensions broadcast.
 */
export function triangularSolve(matrix: tf.Tensor, rhs: tf.Tensor, upper = false): tf.Tensor {
  const n = checkSquare(matrix, "triangularSolve", "matrix");
  if (rhs.rank < 2 || rhs.shape[rhs.rank - 2] !== n) {
    throw new Error(
      `triangularSolve: right-hand side must have shape [..., ${n}, m], got ${formatShape(rhs.shape)} for a matrix of shape ${formatShape(matrix.shape)}`,
    );
  }
  return tf.tidy(() => {
    const matrixBatch = matrix.shape.slice(0, -2);
    const rhsBatch = rhs.shape.slice(0, -2);
    if (sizeOf(matrixBatch) === 1 && sizeOf(rhsBatch) > 1) {
      // One matrix, many right-hand sides: solve them all as columns of one [n, B·m] system.
      const m = rhs.shape[rhs.rank - 1]!;
      const batch = broadcastShapes([matrixBatch, rhsBatch], "triangularSolve");
      const cols = tf.transpose(rhs, [rhs.rank - 2, ...rhsBatch.map((_, i) => i), rhs.rank - 1]).reshape([n, -1]);
      const x = triangularSolve(matrix.reshape([n, n]), cols, upper).reshape([n, ...rhsBatch, m]);
      const back = tf.transpose(x, [...rhsBatch.map((_, i) => i + 1), 0, rhs.rank - 1]);
      return broadcastTo(back, [...batch, n, m]);
    }
    if (upper) {
      // U X = B  <=>  (J U J)(J X) = J B with J the reversal; J U J is lower triangular.
      const flipped = lowerSolve(tf.reverse(matrix, [-2, -1]), tf.reverse(rhs, [-2]), n);
      return tf.reverse(flipped, [-2]);
    }
    return lowerSolve(matrix, rhs, n);
  });
}

function lowerSolve(l: tf.Tensor, b: tf.Tensor, n: number): tf.Tensor {
  const batch = broadcastShapes([l.shape.slice(0, -2), b.shape.slice(0, -2)], "triangularSolve");
  const m = b.shape[b.rank - 1]!;
  const L = broadcastTo(l, [...batch, n, n]);
  const B = broadcastTo(b, [...batch, n, m]);
  const zeros = batch.map(() => 0);
  const rows: tf.Tensor[] = []; // row i of X, shape [..., 1, m]
  for (let i = 0; i < n; i++) {
    let r = tf.slice(B, [...zeros, i, 0], [...batch, 1, m]);
    if (i > 0) {
      const lRow = tf.slice(L, [...zeros, i, 0], [...batch, 1, i]); // [..., 1, i]
      const xPrev = rows.length === 1 ? rows[0]! : tf.concat(rows, -2); // [..., i, m]
      r = tf.sub(r, tf.matMul(lRow, xPrev));
    }
    const lii = tf.slice(L, [...zeros, i, i], [...batch, 1, 1]);
    rows.push(tf.div(r, lii));
  }
  return rows.length === 1 ? rows[0]! : tf.concat(rows, -2);
}

/**
 * The inverse of lower-triangular matrices `[..., n, n]` (lower triangular as well).
 */
export function triangularInverse(l: tf.Tensor, upper = false): tf.Tensor {
  const n = checkSquare(l, "triangularInverse", "l");
  return tf.tidy(() => triangularSolve(l, tf.eye(n), upper));
}

/** `log|det L|` of triangular matrices from their diagonal: `sum(log|diag L|)`, shape `[...]`. */
export function logAbsDetTriangular(l: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.sum(tf.log(tf.abs(diagPart(l))), -1));
}

/** `A⁻¹` from the Cholesky factor `L` of `A = L Lᵀ`: `L⁻ᵀ L⁻¹`. */
export function choleskyInverse(l: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const lInv = triangularInverse(l);
    return batchMatMul(matrixTranspose(lInv), lInv);
  });
}
