import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { Normal } from "../../src/distributions/normal.js";
import {
  sample,
  param,
  plate,
  trace,
  replay,
  block,
  condition,
  substitute,
  seed,
  scale,
  mask,
  deterministic,
  factor,
  handlerStack,
  clearParamStore,
} from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import { tidyScope } from "../../src/backend/scope.js";

function model(): tf.Tensor {
  const loc = param("loc", tf.scalar(0.5));
  const z = sample("z", new Normal(loc, 1));
  const w = sample("w", new Normal(z, 2));
  sample("x", new Normal(w, 0.5), { obs: tf.scalar(1.5) });
  return w;
}

const values = (tr: ReturnType<ReturnType<typeof trace>["getTrace"]>) =>
  Object.fromEntries([...tr.nodes].map(([k, s]) => [k, Array.from(s.value.dataSync())]));

beforeEach(() => {
  clearParamStore();
  setSeed(1);
});

describe("trace", () => {
  it("records every site in execution order with its type and observed flag", () => {
    tf.tidy(() => {
      const tr = trace(model).getTrace();
      expect([...tr.nodes.keys()]).toEqual(["loc", "z", "w", "x"]);
      expect(tr.nodes.get("loc")!.type).toBe("param");
      expect(tr.nodes.get("x")!.isObserved).toBe(true);
      expect(tr.nodes.get("z")!.isObserved).toBe(false);
      expect(tr.returnValue).toBe(tr.nodes.get("w")!.value);
    });
  });

  it("is idempotent: trace(trace(m)) records the same sites", () => {
    tf.tidy(() => {
      const a = trace(seed(model, 3)).getTrace();
      const b = trace(trace(seed(model, 3))).getTrace();
      expect(values(b)).toEqual(values(a));
    });
  });

  it("logProbSum equals the sum of the sites' log-densities", () => {
    tf.tidy(() => {
      const tr = trace(model).getTrace();
      const z = tr.nodes.get("z")!.value;
      const w = tr.nodes.get("w")!.value;
      const expected = tf
        .add(new Normal(0.5, 1).logProb(z), new Normal(z, 2).logProb(w))
        .add(new Normal(w, 0.5).logProb(tf.scalar(1.5)));
      expect(tr.logProbSum().dataSync()[0]).toBeCloseTo(expected.dataSync()[0]!, 5);
    });
  });

  it("throws on a duplicate site name, naming it", () => {
    const dup = () => {
      sample("a", new Normal(0, 1));
      sample("a", new Normal(0, 1));
    };
    expect(() => tidyScope(() => trace(dup).getTrace())).toThrow(/duplicate site name 'a'/);
  });
});

describe("replay", () => {
  it("replay(m, trace(m)) reproduces every value", () => {
    tf.tidy(() => {
      const tr = trace(model).getTrace();
      const again = trace(replay(model, { trace: tr })).getTrace();
      expect(values(again)).toEqual(values(tr));
    });
  });

  it("is idempotent: replaying twice changes nothing", () => {
    tf.tidy(() => {
      const tr = trace(model).getTrace();
      const once = trace(replay(model, { trace: tr })).getTrace();
      const twice = trace(replay(replay(model, { trace: tr }), { trace: tr })).getTrace();
      expect(values(twice)).toEqual(values(once));
    });
  });

  it("throws when a site is observed in the replayed trace but latent here", () => {
    tf.tidy(() => {
      const observedZ = trace(condition(model, { z: 0.1 })).getTrace();
      expect(() => trace(replay(model, { trace: observedZ })).getTrace()).toThrow(/site 'z'/);
    });
  });
});

describe("block", () => {
  it("hides all sites by default, the listed ones with hide, all but the listed with expose", () => {
    tf.tidy(() => {
      expect([...trace(block(model)).getTrace().nodes.keys()]).toEqual([]);
      expect([...trace(block(model, { hide: ["z"] })).getTrace().nodes.keys()]).toEqual(["loc", "w", "x"]);
      expect([...trace(block(model, { expose: ["z"] })).getTrace().nodes.keys()]).toEqual(["z"]);
      expect([...trace(block(model, { hideFn: (m) => m.type === "param" })).getTrace().nodes.keys()]).toEqual(["z", "w", "x"]);
    });
  });

  it("is idempotent", () => {
    tf.tidy(() => {
      const once = trace(block(seed(model, 2), { hide: ["w"] })).getTrace();
      const twice = trace(block(block(seed(model, 2), { hide: ["w"] }), { hide: ["w"] })).getTrace();
      expect(values(twice)).toEqual(values(once));
    });
  });
});

describe("condition and substitute", () => {
  it("condition sets the value and marks the site observed", () => {
    tf.tidy(() => {
      const tr = trace(condition(model, { z: 0.25 })).getTrace();
      expect(tr.nodes.get("z")!.isObserved).toBe(true);
      expect(tr.nodes.get("z")!.value.dataSync()[0]).toBe(0.25);
    });
  });

  it("substitute fixes params and latents without observing them", () => {
    tf.tidy(() => {
      const tr = trace(substitute(model, { loc: 3, z: -1 })).getTrace();
      expect(tr.nodes.get("loc")!.value.dataSync()[0]).toBe(3);
      expect(tr.nodes.get("z")!.isObserved).toBe(false);
      expect(tr.nodes.get("z")!.value.dataSync()[0]).toBe(-1);
    });
  });
});

describe("seed", () => {
  it("makes draws reproducible and distinct seeds give distinct draws", () => {
    tf.tidy(() => {
      const a = values(trace(seed(model, 7)).getTrace());
      const b = values(trace(seed(model, 7)).getTrace());
      const c = values(trace(seed(model, 8)).getTrace());
      expect(b).toEqual(a);
      expect(c.z).not.toEqual(a.z);
    });
  });
});

describe("scale and mask", () => {
  it("scale multiplies site scales and nested scales multiply", () => {
    tf.tidy(() => {
      const tr = trace(scale(scale(model, 2), 3)).getTrace();
      for (const site of tr.sampleSites()) expect(site.scale).toBe(6);
      const base = trace(seed(model, 5)).getTrace().logProbSum().dataSync()[0]!;
      const scaled = trace(scale(seed(model, 5), 0.5)).getTrace().logProbSum().dataSync()[0]!;
      expect(scaled).toBeCloseTo(0.5 * base, 5);
    });
  });

  it("mask(false) zeroes the log-density; tensor masks combine by AND", () => {
    tf.tidy(() => {
      expect(trace(mask(model, false)).getTrace().logProbSum().dataSync()[0]).toBe(0);
      const vec = () =>
        plate("n", 3, () => {
          sample("v", new Normal(0, 1), { obs: tf.tensor1d([0, 1, 2]) });
        });
      const m1 = tf.tensor1d([true, true, false], "bool");
      const m2 = tf.tensor1d([true, false, true], "bool");
      const tr = trace(mask(mask(vec, m1), m2)).getTrace();
      const expected = new Normal(0, 1).logProb(tf.scalar(0)).dataSync()[0]!;
      expect(tr.logProbSum().dataSync()[0]).toBeCloseTo(expected, 5);
    });
  });

  it("rejects a negative or non-finite scale", () => {
    expect(() => scale(model, -1)()).toThrow(/scale/);
    expect(() => scale(model, NaN)()).toThrow(/scale/);
  });
});

describe("deterministic and factor", () => {
  it("deterministic is recorded but not scored; factor adds its value", () => {
    tf.tidy(() => {
      const m = () => {
        const z = sample("z", new Normal(0, 1));
        deterministic("z2", tf.mul(z, 2));
        factor("penalty", tf.scalar(-3));
      };
      const tr = trace(m).getTrace();
      expect(tr.nodes.get("z2")!.type).toBe("deterministic");
      const z = tr.nodes.get("z")!.value;
      const expected = new Normal(0, 1).logProb(z).dataSync()[0]! - 3;
      expect(tr.logProbSum().dataSync()[0]).toBeCloseTo(expected, 5);
    });
  });
});

describe("the handler stack", () => {
  it("is restored after a model throws, through every handler", () => {
    const bad = () => {
      sample("z", new Normal(0, 1));
      throw new Error("boom");
    };
    const wrapped = trace(block(scale(mask(seed(condition(substitute(replay(bad, { trace: trace(model).getTrace() }), {}), {}), 1), true), 2)));
    expect(() => tidyScope(() => wrapped.getTrace())).toThrow("boom");
    expect(handlerStack()).toHaveLength(0);
    expect(() => tf.tidy(() => plate("p", 2, () => bad()))).toThrow("boom");
    expect(handlerStack()).toHaveLength(0);
  });

  it("with no handler installed, sample draws and returns observations", () => {
    tf.tidy(() => {
      expect(sample("x", new Normal(0, 1)).shape).toEqual([]);
      expect(sample("x", new Normal(0, 1), { obs: tf.scalar(4) }).dataSync()[0]).toBe(4);
    });
  });
});

describe("memory", () => {
  it("tracing inside tf.tidy leaves no tensors behind", () => {
    tf.tidy(() => {
      trace(model).getTrace().logProbSum(); // creates the param
    });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      tf.tidy(() => {
        trace(model).getTrace().logProbSum();
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
