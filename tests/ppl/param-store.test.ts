import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as constraints from "../../src/distributions/constraints.js";
import { ParamStore, withParamStore, getParamStore, param, trace, constraintFromName } from "../../src/ppl/index.js";

describe("ParamStore", () => {
  it("creates a param on first use and returns the stored value afterwards", () => {
    const store = new ParamStore();
    tf.tidy(() => {
      expect(store.get("a", tf.tensor1d([1, 2])).arraySync()).toEqual([1, 2]);
      expect(store.get("a", tf.tensor1d([5, 5])).arraySync()).toEqual([1, 2]);
    });
    expect(store.names()).toEqual(["a"]);
    store.clear();
  });

  it("keeps constrained values in their support after any unconstrained update (property)", () => {
    const cases = [constraints.positive, constraints.unitInterval, constraints.interval(-2, 3), constraints.greaterThan(1.5), constraints.simplex];
    fc.assert(
      fc.property(fc.float({ min: -12, max: 30, noNaN: true }) /* below about -15, greaterThan(1.5) + exp(x) rounds to 1.5 in float32 */, fc.integer({ min: 0, max: cases.length - 1 }), (shift, k) => {
        const store = new ParamStore();
        const c = cases[k]!;
        const inits = [[0.5, 1], [0.5, 1], [0.5, 1], [2, 3], [0.2, 0.3, 0.5]];
        const init = tf.tensor1d(inits[k]!);
        const ok = tf.tidy(() => {
          store.get("p", init, c);
          const v = store.getUnconstrained("p");
          v.assign(tf.add(v, shift));
          return tf.all(c.check(store.get("p"))).dataSync()[0] === 1;
        });
        init.dispose();
        store.clear();
        return ok;
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("round-trips through getState/setState and save/load", async () => {
    const store = new ParamStore();
    tf.tidy(() => {
      store.get("scale", tf.tensor1d([0.5, 2]), constraints.positive);
      store.get("p", tf.scalar(0.25), constraints.unitInterval);
    });
    const state = store.getState();
    const copy = new ParamStore();
    copy.setState(state);
    expect(copy.constraintOf("scale").name).toBe("positive");
    tf.tidy(() => {
      const a = Array.from(copy.get("scale").dataSync());
      expect(a[0]).toBeCloseTo(0.5, 6);
      expect(a[1]).toBeCloseTo(2, 6);
    });
    const dir = mkdtempSync(join(tmpdir(), "ps-"));
    await store.save(join(dir, "params.json"));
    const loaded = new ParamStore();
    await loaded.load(join(dir, "params.json"));
    expect(loaded.getState()).toEqual(state);
    expect(readdirSync(dir)).toEqual(["params.json"]);
    writeFileSync(join(dir, "bad.json"), "{ truncated");
    await expect(loaded.load(join(dir, "bad.json"))).rejects.toThrow(/bad\.json/);
    await expect(loaded.load(join(dir, "missing.json"))).rejects.toThrow(/missing\.json/);
    for (const s of [store, copy, loaded]) s.clear();
  });

  it("withParamStore scopes params so two models never share one by accident", () => {
    const a = new ParamStore();
    const b = new ParamStore();
    tf.tidy(() => {
      withParamStore(a, () => param("w", tf.scalar(1)));
      withParamStore(b, () => param("w", tf.scalar(2)));
      expect(withParamStore(a, () => param("w")).dataSync()[0]).toBe(1);
      expect(withParamStore(b, () => param("w")).dataSync()[0]).toBe(2);
    });
    expect(getParamStore().has("w")).toBe(false);
    a.clear();
    b.clear();
  });

  it("param traces carry the constrained value", () => {
    const store = new ParamStore();
    tf.tidy(() => {
      const tr = trace(() => param("s", tf.scalar(3), { constraint: constraints.positive, store })).getTrace();
      expect(tr.nodes.get("s")!.value.dataSync()[0]).toBeCloseTo(3, 5);
    });
    store.clear();
  });

  it("names the param in errors: missing init, wrong init, shape mismatch", () => {
    const store = new ParamStore();
    expect(() => store.get("nothing")).toThrow(/'nothing'/);
    expect(() => store.get("neg", tf.scalar(-1), constraints.positive)).toThrow(/'neg'.*positive/);
    tf.tidy(() => store.get("v", tf.zeros([2])));
    expect(() => store.set("v", tf.zeros([3]))).toThrow(/'v'.*\[2\]/);
    store.clear();
  });

  it("parses the constraint names it writes", () => {
    for (const c of [constraints.real, constraints.positive, constraints.interval(0.5, 2), constraints.greaterThan(-1), constraints.independent(constraints.positive, 2), constraints.simplex]) {
      expect(constraintFromName(c.name).name).toBe(c.name);
    }
    expect(() => constraintFromName("wobbly")).toThrow(/wobbly/);
  });

  it("leaves no tensors behind", () => {
    const store = new ParamStore();
    tf.tidy(() => {
      store.get("x", tf.scalar(2), constraints.positive);
    });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        store.get("x");
      });
    }
    const state = store.getState();
    store.setState(state);
    expect(tf.memory().numTensors).toBe(before);
    store.clear();
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
