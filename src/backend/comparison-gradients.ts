/**
 * Zero gradients for TensorFlow.js' comparison and logical kernels.
 *
 * tfjs registers no gradient for `Equal`, `NotEqual`, `Greater`, `Less`, `LessEqual`,
 * `LogicalAnd`, `LogicalOr`, `LogicalNot` and the boolean reductions `All` and `Any` (it does
 * for `GreaterEqual`, `IsNan`, `Step`, ...).
 * When such a kernel's input depends on a trainable variable and its output reaches the loss
 * (a support mask in `tf.where`, a simplex check reduced with `tf.all`, an `x == 0` guard in `xlogy`, a `Delta`'s `x == v`), every
 * `tf.grads`/`tf.variableGrads` call throws "gradient function not found for Equal". These
 * functions are piecewise constant, so their gradient is zero almost everywhere: registering
 * it (float32 zeros of each input's shape, as tfjs does for `GreaterEqual`) makes such
 * expressions differentiable without changing any gradient that existed before.
 *
 * Imported for its side effect by `select.ts`, so it is active once a backend is chosen.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

const BINARY = ["Equal", "NotEqual", "Greater", "Less", "LessEqual", "LogicalAnd", "LogicalOr"] as const;
const UNARY = ["LogicalNot", "All", "Any"] as const;

function zerosOf(x: tf.Tensor): () => tf.Tensor {
  return () => tf.zeros(x.shape, "float32");
}

/** Registers the zero gradients (idempotent: kernels that already have one are left alone). */
export function registerComparisonGradients(): void {
  for (const kernelName of BINARY) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ["a", "b"],
      gradFunc: (_dy, saved) => ({ a: zerosOf(saved[0]!), b: zerosOf(saved[1]!) }),
    });
  }
  for (const kernelName of UNARY) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: ["x"],
      gradFunc: (_dy, saved) => ({ x: zerosOf(saved[0]!) }),
    });
  }
}

registerComparisonGradients();
