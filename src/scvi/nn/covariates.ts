/**
 * One-hot encoding of categorical covariates, as scvi-tools' `FCLayers` does it.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The category counts scvi-tools keeps from a user's `nCat` list: a covariate with one
 * category carries no information and gets no columns (its count becomes 0).
 */
export function effectiveCategoryCounts(nCat: readonly number[]): number[] {
  return nCat.map((n, i) => {
    if (!Number.isInteger(n) || n < 0) throw new Error(`nCat[${i}]=${n} must be a non-negative integer`);
    return n > 1 ? n : 0;
  });
}

/**
 * One-hot encodes each covariate: `cat[i]` is either a `[n, 1]` tensor of category codes
 * (floats or ints holding integers in `[0, nCat[i])`) or an already one-hot `[n, nCat[i]]`
 * tensor. Covariates with a count of 0 or 1 are skipped; covariates beyond `nCat` are
 * ignored (as in scvi-tools). Returns float32 `[n, nCat[i]]` tensors.
 *
 * The encoding uses `tf.oneHot` on int32 codes (no `gather`, whose gradient the WebAssembly
 * backend lacks); codes carry no gradient.
 */
export function oneHotCovariates(
  nCat: readonly number[],
  cat: readonly tf.Tensor[],
  nRows: number,
  context: string,
): tf.Tensor[] {
  const counts = effectiveCategoryCounts(nCat);
  if (cat.length < counts.length) {
    throw new Error(`${context}: expected ${counts.length} categorical covariate(s) (nCat=[${nCat.join(", ")}]), got ${cat.length}`);
  }
  const out: tf.Tensor[] = [];
  counts.forEach((k, i) => {
    if (k === 0) return;
    const c = cat[i]!;
    if (c.rank !== 2 || c.shape[0] !== nRows) {
      throw new Error(`${context}: covariate ${i} has shape [${c.shape.join(", ")}], expected [${nRows}, 1] codes or [${nRows}, ${k}] one-hot`);
    }
    if (c.shape[1] === k) {
      out.push(c.dtype === "float32" ? c : tf.cast(c, "float32"));
    } else if (c.shape[1] === 1) {
      const codes = c.dtype === "int32" ? tf.reshape(c, [nRows]) : tf.cast(tf.reshape(tf.round(c), [nRows]), "int32");
      out.push(tf.cast(tf.oneHot(codes as tf.Tensor1D, k), "float32"));
    } else {
      throw new Error(`${context}: covariate ${i} has shape [${c.shape.join(", ")}], expected [${nRows}, 1] codes or [${nRows}, ${k}] one-hot`);
    }
  });
  return out;
}
