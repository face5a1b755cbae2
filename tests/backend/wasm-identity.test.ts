import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { shareIdentityOnWasm } from "../../src/backend/wasm-identity.js";

describe("Identity on the wasm backend (shared, reference-counted memory)", () => {
  afterEach(() => shareIdentityOnWasm(true));

  it("clones share the data, survive the original's disposal and free it with the last reference", () => {
    expect(tf.getBackend()).toBe("wasm");
    const bytesBefore = tf.memory().numBytes;
    const a = tf.tensor([1, 2, 3]);
    const b = tf.clone(a);
    expect(b.dataId).toBe(a.dataId);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    expect(tf.tidy(() => Array.from(tf.add(b, 1).dataSync()))).toEqual([2, 3, 4]);
    b.dispose();
    expect(tf.memory().numBytes).toBe(bytesBefore);
  });

  it("can be switched back to tfjs' copying kernel", () => {
    shareIdentityOnWasm(false);
    const a = tf.tensor([1, 2]);
    const b = tf.clone(a);
    expect(b.dataId).not.toBe(a.dataId);
    tf.dispose([a, b]);
  });

  it("keeps values saved for backward passes intact and gradients right", () => {
    const x = tf.variable(tf.tensor([0.5, 2, 3]));
    const f = () => tf.sum(tf.mul(tf.square(x), tf.exp(x))) as tf.Scalar;
    const { grads } = tf.variableGrads(f, [x]);
    const expected = [0.5, 2, 3].map((v) => (2 * v + v * v) * Math.exp(v));
    Array.from(grads[x.name]!.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i]!, 3));
    x.assign(tf.tensor([1, 1, 1]));
    expect(Array.from(x.dataSync())).toEqual([1, 1, 1]);
    tf.dispose([x, ...Object.values(grads)]);
  });
});
