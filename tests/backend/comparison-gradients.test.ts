import { it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import "../../src/backend/select.js";

it("comparison and logical kernels have zero gradients, so masks and guards on variables differentiate", () => {
  const v = tf.variable(tf.tensor1d([0, 2, 3]));
  const { value, grads } = tf.variableGrads(() =>
    tf.tidy(() => {
      const guard = tf.where(tf.equal(v, 0), tf.onesLike(v), v); // xlogy-style guard
      const inside = tf.logicalAnd(tf.greater(v, -1), tf.logicalNot(tf.lessEqual(v, 2.5)));
      const masked = tf.where(tf.logicalOr(inside, tf.notEqual(v, 2)), tf.log(guard), tf.zerosLike(v));
      const everyPositive = tf.cast(tf.logicalOr(tf.all(tf.greater(v, -1)), tf.any(tf.less(v, -5))), "float32");
      return tf.add(tf.sum(tf.add(masked, tf.mul(tf.cast(tf.less(v, 1), "float32"), v))), tf.mul(everyPositive, tf.sum(v))) as tf.Scalar;
    }),
  );
  // d/dv: v=0 → guarded log(1) plus [v<1]·v → 1; v=2 → where(false-branch) 0; v=3 → 1/3;
  // plus 1 everywhere from [all(v > -1)]·sum(v).
  const g = Array.from(grads[v.name]!.dataSync());
  expect(g[0]).toBeCloseTo(2, 6);
  expect(g[1]).toBeCloseTo(1, 6);
  expect(g[2]).toBeCloseTo(1 + 1 / 3, 6);
  tf.dispose([value, ...Object.values(grads)]);
  v.dispose();
});
