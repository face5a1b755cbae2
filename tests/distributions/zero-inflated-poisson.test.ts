import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { Poisson } from "../../src/distributions/poisson.js";
import { ZeroInflatedPoisson } from "../../src/distributions/zero-inflated-poisson.js";
import { checkDiscreteFixtures, checkDiscreteSeedingAndLeaks, checkDiscreteShapeLaws, expectClose, expectCountMoments } from "./discrete-helpers.js";

describe("ZeroInflatedPoisson", () => {
  it("matches the float64 mixture with gate and with gateLogits (moments: sums over the support)", () => {
    checkDiscreteFixtures("zeroInflatedPoisson", (p) => new ZeroInflatedPoisson(p.rate!, { gate: p.gate! }), { rtol: 2e-6, atol: 1e-7 });
    checkDiscreteFixtures("zeroInflatedPoisson", (p) => new ZeroInflatedPoisson(p.rate!, { gateLogits: p.gateLogits! }), { rtol: 2e-6, atol: 1e-7 });
  });

  it("reduces to the Poisson at gate 0 and exposes its gate both ways", () => {
    tf.tidy(() => {
      const x = tf.tensor([0, 2, 7]);
      const zip = new ZeroInflatedPoisson(3, { gate: 0 });
      expectClose(zip.logProb(x), new Poisson(3).logProb(x).arraySync() as number[], "gate 0", { rtol: 1e-6, atol: 1e-7 });
      const d = new ZeroInflatedPoisson([1, 2], { gateLogits: 0 });
      expectClose(d.gate, [0.5, 0.5], "gate");
      expectClose(new ZeroInflatedPoisson(1, { gate: 0.25 }).gateLogits, Math.log(1 / 3), "gateLogits");
    });
  });

  it("draws with the right mean and variance", () => {
    expectCountMoments(new ZeroInflatedPoisson(tf.tensor([0.5, 4, 60]), { gate: tf.tensor([0.3, 0.1, 0.8]) }), 4000, 6);
  });

  it("obeys the shape laws", () => {
    checkDiscreteShapeLaws((b) => new ZeroInflatedPoisson(tf.randomUniform(b, 0.1, 10, "float32", 1), { gateLogits: 0.2 }));
  });

  it("names the distribution and parameter on bad parameters and values", () => {
    expect(() => tf.tidy(() => void new ZeroInflatedPoisson(-1, { gate: 0.1 }))).toThrow(/ZeroInflatedPoisson: parameter 'rate' must be nonnegative/);
    expect(() => tf.tidy(() => void new ZeroInflatedPoisson(1, { gate: 2 }))).toThrow(/ZeroInflatedPoisson: parameter 'gate' must be unitInterval/);
    expect(() => tf.tidy(() => void new ZeroInflatedPoisson(1, {} as never))).toThrow(/ZeroInflatedPoisson: give exactly one of 'gate' or 'gateLogits'/);
    tf.tidy(() => {
      expect(() => new ZeroInflatedPoisson(1, { gate: 0.5 }).logProb(tf.tensor([1.5]))).toThrow(/ZeroInflatedPoisson.logProb: value outside the support/);
    });
  });

  it("is reproducible under setSeed and does not leak tensors", () => {
    checkDiscreteSeedingAndLeaks(() => new ZeroInflatedPoisson(tf.tensor([1, 8]), { gate: 0.3 }), {
      gradParam: { value: 2, build: (t) => new ZeroInflatedPoisson(t, { gateLogits: -1 }) },
    });
  });
});
