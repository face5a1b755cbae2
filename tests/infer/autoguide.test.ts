import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fixtures from "../fixtures/inference_kit.json" with { type: "json" };
import { Normal } from "../../src/distributions/normal.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Beta } from "../../src/distributions/beta.js";
import { Dirichlet } from "../../src/distributions/dirichlet.js";
import { sample, plate, trace, seed, block, ParamStore, clearParamStore, getParamStore, withParamStore } from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import {
  AutoNormal,
  AutoDelta,
  AutoDiagonalNormal,
  initToFeasible,
  initToMean,
  initToMedian,
  initToSample,
  initToValue,
  normalQuantile,
} from "../../src/infer/autoguide/index.js";
import { Delta } from "../../src/distributions/delta.js";
import { TraceELBO } from "../../src/infer/index.js";

const xs = tf.tensor1d([1.5, 0.5, 2.0]);

/** A model with a real, a positive, a unit-interval and a simplex latent. */
function model(): void {
  const loc = sample("loc", new Normal(0, 2));
  const rate = sample("rate", new Gamma(4, 2));
  sample("p", new Beta(2, 5));
  sample("w", new Dirichlet(tf.tensor1d([1, 2, 3])));
  plate("data", 3, () => sample("x", new Normal(loc, tf.div(1, rate)), { obs: xs }));
}

const values = (r: Record<string, tf.Tensor>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v.dataSync())]));

beforeEach(() => {
  clearParamStore();
  setSeed(3);
});

describe("autoguides are guide functions", () => {
  it("AutoNormal is callable, an instance of its class, and samples every latent in its support", () => {
    const guide = new AutoNormal(model);
    expect(typeof guide).toBe("function");
    expect(guide).toBeInstanceOf(AutoNormal);
    const out = tf.tidy(() => values(guide()));
    expect(Object.keys(out)).toEqual(["loc", "rate", "p", "w"]);
    expect(out.rate![0]).toBeGreaterThan(0);
    expect(out.p![0]).toBeGreaterThan(0);
    expect(out.p![0]).toBeLessThan(1);
    expect(out.w!.length).toBe(3);
    expect(out.w!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(guide.latentSites().map((s) => [s.name, s.unconstrainedShape])).toEqual([
      ["loc", []],
      ["rate", []],
      ["p", []],
      ["w", [2]],
    ]);
    expect(getParamStore().names().sort()).toEqual(
      ["auto.locs.loc", "auto.locs.p", "auto.locs.rate", "auto.locs.w", "auto.scales.loc", "auto.scales.p", "auto.scales.rate", "auto.scales.w"].sort(),
    );
    // Function.prototype methods still work.
    expect(Object.keys(tf.tidy(() => values(guide.apply(null, []))))).toHaveLength(4);
  });

  it("works under trace, seed and block, and its prototype run is hidden from outer handlers", () => {
    const guide = new AutoNormal(model);
    tf.tidy(() => {
      const first = trace(guide).getTrace();
      // The first call traced the model too, but none of the model's sites leak out.
      expect(first.nodes.has("x")).toBe(false);
      expect(first.sampleSites().map((s) => s.name)).toEqual(["loc", "rate", "p", "w"]);
      expect(first.paramSites()).toHaveLength(8);
      const second = trace(guide).getTrace();
      expect([...second.nodes.keys()]).toEqual([...first.nodes.keys()]);
      const a = trace(seed(guide, 5)).getTrace();
      const b = trace(seed(guide, 5)).getTrace();
      expect(Array.from(a.nodes.get("rate")!.value.dataSync())).toEqual(Array.from(b.nodes.get("rate")!.value.dataSync()));
      expect(trace(block(guide)).getTrace().nodes.size).toBe(0);
      expect(trace(block(guide, { hide: ["p"] })).getTrace().nodes.has("p")).toBe(false);
      // The guide's log-density is finite and includes the Jacobian (a TransformedDistribution for constrained sites).
      expect(Number.isFinite(first.logProbSum().dataSync()[0]!)).toBe(true);
      expect(first.nodes.get("loc")!.fn).toBeInstanceOf(Normal);
    });
  });

  it("keeps its params in a given store", () => {
    const store = new ParamStore();
    const guide = new AutoDelta(model, { store, prefix: "map" });
    tf.tidy(() => guide());
    expect(store.names().sort()).toEqual(["map.locs.loc", "map.locs.p", "map.locs.rate", "map.locs.w"]);
    expect(getParamStore().size).toBe(0);
    expect(store.constraintOf("map.locs.rate").name).toBe("positive");
  });

  it("finds the store current at each call when none is given", () => {
    const store = new ParamStore();
    const guide = new AutoNormal(model);
    withParamStore(store, () => tf.tidy(() => guide()));
    expect(store.size).toBe(8);
    expect(getParamStore().size).toBe(0);
  });

  it("rejects a model with a discrete latent, naming the site", async () => {
    const { Poisson } = await import("../../src/distributions/poisson.js");
    const bad = () => {
      sample("k", new Poisson(3));
    };
    expect(() => tf.tidy(() => new AutoNormal(bad)())).toThrow(/'k'.*discrete/);
  });
});

describe("training", () => {
  it("an SVI loop with an autoguide keeps a constant tensor count", async () => {
    const { SVI, Adam } = await import("../../src/infer/index.js");
    for (const make of [() => new AutoNormal(model), () => new AutoDelta(model), () => new AutoDiagonalNormal(model)]) {
      clearParamStore();
      const guide = make();
      const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new TraceELBO({ numParticles: 2, vectorizeParticles: true }));
      svi.step();
      svi.step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) svi.step();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});

describe("median and quantiles", () => {
  it("AutoNormal: transform(loc + scale · Φ⁻¹(q)), full shapes", () => {
    const guide = new AutoNormal(model);
    guide.setup();
    const store = getParamStore();
    tf.tidy(() => guide());
    store.set("auto.locs.rate", tf.scalar(0.3));
    store.set("auto.scales.rate", tf.scalar(0.2));
    store.set("auto.locs.p", tf.scalar(-1));
    store.set("auto.scales.p", tf.scalar(0.5));
    const med = guide.median();
    expect(med.rate!.dataSync()[0]).toBeCloseTo(Math.exp(0.3), 5);
    expect(med.p!.dataSync()[0]).toBeCloseTo(1 / (1 + Math.exp(1)), 5);
    const qs = fixtures.normalQuantile.filter((f) => f.p > 1e-4 && f.p < 1 - 1e-4);
    const q = guide.quantiles(qs.map((f) => f.p));
    expect(q.rate!.shape).toEqual([qs.length]);
    expect(q.w!.shape).toEqual([qs.length, 3]);
    const rate = q.rate!.dataSync();
    const p = q.p!.dataSync();
    qs.forEach((f, i) => {
      expect(rate[i]! / Math.exp(0.3 + 0.2 * f.value)).toBeCloseTo(1, 5);
      expect(p[i]!).toBeCloseTo(1 / (1 + Math.exp(-(-1 + 0.5 * f.value))), 5);
    });
    tf.dispose([...Object.values(med), ...Object.values(q)]);
    expect(() => guide.quantiles([1.5])).toThrow(/quantiles/);
  });

  it("median and quantiles leave no tensors behind but their results", () => {
    const guide = new AutoDiagonalNormal(model);
    tf.tidy(() => guide());
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(guide.median()));
    tf.dispose(Object.values(guide.quantiles([0.1, 0.9])));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("AutoDelta: the point itself for every quantile", () => {
    const guide = new AutoDelta(model, { initLoc: initToValue({ values: { rate: 2.5 } }) });
    const q = guide.quantiles([0.1, 0.9]);
    expect(Array.from(q.rate!.dataSync())).toEqual([2.5, 2.5]);
    tf.dispose(Object.values(q));
  });
});

describe("normalQuantile", () => {
  it("matches scipy.stats.norm.ppf", () => {
    for (const { p, value } of fixtures.normalQuantile) expect(Math.abs(normalQuantile(p) - value)).toBeLessThan(1e-9 * (1 + Math.abs(value)));
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
  });
});

describe("init strategies put values where they say", () => {
  const med = (g: { median: () => Record<string, tf.Tensor> }) => {
    const m = g.median();
    const out = values(m);
    tf.dispose(Object.values(m));
    return out;
  };

  it("initToFeasible: the image of 0 (0, 1, 1/2, uniform simplex)", () => {
    const m = med(new AutoNormal(model, { initLoc: initToFeasible() }));
    expect(m.loc).toEqual([0]);
    expect(m.rate![0]).toBeCloseTo(1, 6);
    expect(m.p![0]).toBeCloseTo(0.5, 6);
    for (const w of m.w!) expect(w).toBeCloseTo(1 / 3, 5);
  });

  it("initToValue: given values, the fallback elsewhere", () => {
    const m = med(new AutoNormal(model, { initLoc: initToValue({ values: { loc: -1.25, rate: 3 }, fallback: initToFeasible() }) }));
    expect(m.loc).toEqual([-1.25]);
    expect(m.rate![0]).toBeCloseTo(3, 5);
    expect(m.p![0]).toBeCloseTo(0.5, 6);
    expect(() => new AutoNormal(model, { initLoc: initToValue({ values: { w: [0.5, 0.5] } }) }).setup()).toThrow(/'w'/);
    expect(() => new AutoNormal(model, { initLoc: initToValue({ values: { rate: -1 } }) }).setup()).toThrow(/'rate'.*support/);
  });

  it("initToMean: the prior mean", () => {
    const m = med(new AutoDelta(model, { initLoc: initToMean() }));
    expect(m.loc).toEqual([0]);
    expect(m.rate![0]).toBeCloseTo(2, 5);
    expect(m.p![0]).toBeCloseTo(2 / 7, 5);
    expect(m.w![2]).toBeCloseTo(0.5, 5);
  });

  it("initToMedian: near the prior median (scipy), AutoDelta's default", () => {
    const m = med(new AutoDelta(model, { initLoc: initToMedian({ numSamples: 301 }) }));
    // The sample median of 301 draws has sd ≈ 1/(2 f(m) √301); f(m) ≈ 0.43 for Gamma(4, 2) and 2.3 for Beta(2, 5).
    expect(Math.abs(m.rate![0]! - fixtures.priorMedian.gamma_4_2)).toBeLessThan(4 * (1 / (2 * 0.43 * Math.sqrt(301))));
    expect(Math.abs(m.p![0]! - fixtures.priorMedian.beta_2_5)).toBeLessThan(4 * (1 / (2 * 2.3 * Math.sqrt(301))));
    const d = med(new AutoDelta(model, { prefix: "default" }));
    expect(Math.abs(d.rate![0]! - fixtures.priorMedian.gamma_4_2)).toBeLessThan(0.8);
  });

  it("initToSample: a prior draw, different for different seeds", () => {
    setSeed(1);
    const a = med(new AutoNormal(model, { initLoc: initToSample(), prefix: "a" }));
    setSeed(2);
    const b = med(new AutoNormal(model, { initLoc: initToSample(), prefix: "b" }));
    expect(a.loc![0]).not.toBe(b.loc![0]);
    expect(a.rate![0]).toBeGreaterThan(0);
  });
});

describe("plates", () => {
  const data = tf.tensor1d(Array.from({ length: 20 }, (_, i) => i / 4));
  const local = () => {
    const mu = sample("mu", new Normal(0, 5));
    plate(
      "data",
      20,
      (idx) => {
        const z = sample("z", new Normal(mu, 1));
        sample("x", new Normal(z, 0.5), { obs: tf.gather(data, idx) });
      },
      { subsampleSize: 5 },
    );
  };

  it("AutoNormal holds full-size params for a subsampled plate, slices them, and the model replays the guide's indices", () => {
    const guide = new AutoNormal(local, { initLoc: initToValue({ values: {}, fallback: initToSample() }) });
    tf.tidy(() => {
      const gt = trace(guide).getTrace();
      expect(getParamStore().get("auto.locs.z").shape).toEqual([20]);
      expect(gt.nodes.get("z")!.value.shape).toEqual([5]);
      expect(gt.nodes.get("data")!.type).toBe("plate");
      // One plate site per plate, whatever the number of sites inside it.
      expect([...gt.nodes.values()].filter((s) => s.type === "plate")).toHaveLength(1);
      const idx = Array.from(gt.nodes.get("data")!.value.dataSync());
      const locs = getParamStore().get("auto.locs.z").dataSync();
      const sliced = (gt.nodes.get("z")!.fn as Normal).loc.dataSync();
      expect(sliced.length).toBe(5);
      idx.forEach((i, j) => expect(sliced[j]).toBe(locs[i]));
      expect(gt.nodes.get("z")!.plates[0]).toMatchObject({ name: "data", size: 5, fullSize: 20 });
    });
    // TraceELBO (guide first) runs without a model/guide mismatch; the subsampled log-density is scaled.
    expect(Number.isFinite(new TraceELBO().loss(local, guide))).toBe(true);
  });

  it("takes the plate's indices from `subsamples` when given", () => {
    const guide = new AutoNormal(local, { subsamples: () => ({ data: [3, 1, 4, 15, 9] }) });
    tf.tidy(() => {
      const gt = trace(guide).getTrace();
      expect(Array.from(gt.nodes.get("data")!.value.dataSync())).toEqual([3, 1, 4, 15, 9]);
    });
  });

  it("AutoDiagonalNormal refuses a subsampled plate and handles full plates", () => {
    expect(() => tf.tidy(() => new AutoDiagonalNormal(local)())).toThrow(/subsampled plate 'data'.*AutoNormal/);
    const full = () => {
      const mu = sample("mu", new Normal(0, 5));
      plate("data", 4, () => sample("z", new Normal(mu, 1)));
      sample("s", new Gamma(2, 1));
    };
    const guide = new AutoDiagonalNormal(full);
    tf.tidy(() => {
      const gt = trace(guide).getTrace();
      expect(guide.latentDim).toBe(6);
      expect(getParamStore().get("auto.loc").shape).toEqual([6]);
      expect(gt.nodes.get("z")!.value.shape).toEqual([4]);
      expect(gt.nodes.get("z")!.plates.map((p) => p.name)).toEqual(["data"]);
    });
  });
});

describe("AutoDelta's guide distribution", () => {
  it("Delta differentiates through its value and has a zero-gradient log-density (no gradient-less Equal on the tape)", () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const d = new Delta(v, { eventDim: 1 });
    expect(d.batchShape).toEqual([]);
    expect(d.eventShape).toEqual([2]);
    tf.tidy(() => {
      expect(d.logProb(tf.tensor1d([1, 2])).dataSync()[0]).toBe(0);
      expect(d.logProb(tf.tensor1d([1, 3])).dataSync()[0]).toBe(-Infinity);
      expect(d.rsample([3]).shape).toEqual([3, 2]);
      const point = new Delta(v, { eventDim: 1, validateArgs: false });
      const { grads } = tf.variableGrads(() => tf.sum(tf.add(point.rsample(), point.logProb(point.rsample()))) as tf.Scalar, [v]);
      expect(Array.from(grads[v.name]!.dataSync())).toEqual([1, 1]);
    });
    v.dispose();
  });
});
