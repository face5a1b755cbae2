import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { readFileSync } from "node:fs";
import { Normal } from "../../src/distributions/normal.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Poisson } from "../../src/distributions/poisson.js";
import { Beta } from "../../src/distributions/beta.js";
import { Bernoulli } from "../../src/distributions/bernoulli.js";
import * as constraints from "../../src/distributions/constraints.js";
import { setSeed, nextSeed } from "../../src/backend/random.js";
import { sample, param, plate, seed, clearParamStore, getParamStore, ParamStore } from "../../src/ppl/index.js";
import { SVI, TraceELBO, TraceMeanFieldELBO, Adam, ClippedAdam, NonFiniteLossError } from "../../src/infer/index.js";

const conj = JSON.parse(readFileSync(new URL("../fixtures/svi_conjugate.json", import.meta.url), "utf8")) as {
  normalNormal: { priorLoc: number; priorScale: number; obsScale: number; data: number[]; posteriorMean: number; posteriorStd: number };
  gammaPoisson: { priorConcentration: number; priorRate: number; data: number[]; posteriorMean: number; posteriorStd: number };
  betaBernoulli: { priorConcentration1: number; priorConcentration0: number; data: number[]; posteriorMean: number; posteriorStd: number };
};

beforeEach(() => {
  clearParamStore();
  setSeed(0);
});

/** Normal–Normal with two data points (the benchmark model). */
const data2 = tf.tensor1d([0.3, -0.4]);
function nnModel(data: tf.Tensor) {
  const loc = sample("loc", new Normal(0, 1));
  plate("data", data.shape[0]!, () => sample("x", new Normal(loc, 1), { obs: data }));
}
function nnGuide(_data: tf.Tensor) {
  const m = param("m", tf.scalar(0.2));
  const s = param("s", tf.scalar(1.3), { constraint: constraints.positive });
  sample("loc", new Normal(m, s));
}

/** Runs `steps` steps and returns the mean of the guide's posterior summaries over the last `tail` steps. */
function fit(svi: SVI<[tf.Tensor]>, data: tf.Tensor, steps: number, tail: number, summary: () => [number, number]): [number, number] {
  const acc = [0, 0];
  for (let i = 0; i < steps; i++) {
    svi.step(data);
    if (i >= steps - tail) {
      const [a, b] = summary();
      acc[0] += a / tail;
      acc[1] += b / tail;
    }
  }
  return acc as [number, number];
}

function expectWithin(actual: number, expected: number, rel: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(rel * Math.abs(expected));
}

const value = (name: string) => getParamStore().get(name).dataSync()[0]!;

/**
 * ClippedAdam whose learning rate decays from `lr` to 2% of it over `steps` (Pyro's `lrd`).
 * The guides are parameterized by the posterior's mean and a concentration, so that the two
 * directions Adam moves along are nearly independent and a few hundred steps suffice.
 */
const decaying = (lr: number, steps: number) => new ClippedAdam({ lr, lrd: Math.pow(0.02, 1 / steps) });

describe("SVI reaches conjugate posteriors (hand-written guides)", () => {
  it("Normal–Normal", () => {
    const c = conj.normalNormal;
    const data = tf.tensor1d(c.data);
    const model = (x: tf.Tensor) => {
      const mu = sample("mu", new Normal(c.priorLoc, c.priorScale));
      plate("data", x.shape[0]!, () => sample("x", new Normal(mu, c.obsScale), { obs: x }));
    };
    const guide = () => {
      const m = param("m", tf.scalar(0));
      const s = param("s", tf.scalar(1), { constraint: constraints.positive });
      sample("mu", new Normal(m, s));
    };
    const steps = 400;
    const svi = new SVI(model, guide, decaying(0.1, steps), new TraceELBO({ numParticles: 16, vectorizeParticles: true }));
    const [mean, std] = fit(svi, data, steps, 100, () => [value("m"), value("s")]);
    expectWithin(mean, c.posteriorMean, 0.05, "posterior mean");
    expectWithin(std, c.posteriorStd, 0.05, "posterior std");
    data.dispose();
  });

  it("Gamma–Poisson", () => {
    const c = conj.gammaPoisson;
    const data = tf.tensor1d(c.data);
    const model = (x: tf.Tensor) => {
      const rate = sample("rate", new Gamma(c.priorConcentration, c.priorRate));
      plate("data", x.shape[0]!, () => sample("x", new Poisson(rate), { obs: x }));
    };
    const guide = () => {
      const mu = param("mu", tf.scalar(2), { constraint: constraints.positive });
      const a = param("a", tf.scalar(5), { constraint: constraints.positive });
      sample("rate", new Gamma(a, tf.div(a, mu)));
    };
    const steps = 300;
    const svi = new SVI(model, guide, decaying(0.1, steps), new TraceMeanFieldELBO({ numParticles: 16, vectorizeParticles: true }));
    const [mean, std] = fit(svi, data, steps, 100, () => {
      const mu = value("mu");
      return [mu, mu / Math.sqrt(value("a"))];
    });
    expectWithin(mean, c.posteriorMean, 0.05, "posterior mean");
    expectWithin(std, c.posteriorStd, 0.05, "posterior std");
    data.dispose();
  });

  it("Beta–Bernoulli", () => {
    const c = conj.betaBernoulli;
    const data = tf.tensor1d(c.data);
    const model = (x: tf.Tensor) => {
      const p = sample("p", new Beta(c.priorConcentration1, c.priorConcentration0));
      plate("data", x.shape[0]!, () => sample("x", new Bernoulli({ probs: p }), { obs: x }));
    };
    const guide = () => {
      const mu = param("mu", tf.scalar(0.5), { constraint: constraints.unitInterval });
      const k = param("k", tf.scalar(4), { constraint: constraints.positive });
      sample("p", new Beta(tf.mul(k, mu), tf.mul(k, tf.sub(1, mu))));
    };
    const steps = 300;
    const svi = new SVI(model, guide, decaying(0.1, steps), new TraceMeanFieldELBO({ numParticles: 16, vectorizeParticles: true }));
    const [mean, std] = fit(svi, data, steps, 100, () => {
      const mu = value("mu");
      return [mu, Math.sqrt((mu * (1 - mu)) / (value("k") + 1))];
    });
    expectWithin(mean, c.posteriorMean, 0.05, "posterior mean");
    expectWithin(std, c.posteriorStd, 0.05, "posterior std");
    data.dispose();
  });
});

describe("SVI.step", () => {
  it("returns the same value as loss and differentiableLoss under the step's seed", () => {
    const elbo = new TraceELBO();
    // Create the params first, so all three see the same initial values.
    setSeed(5);
    const svi = new SVI(nnModel, nnGuide, new Adam({ lr: 0.1 }), elbo);
    setSeed(9);
    const stepSeed = nextSeed();
    const a = seed(() => elbo.loss(nnModel, nnGuide, data2), stepSeed)();
    const lossTensor = seed(() => elbo.differentiableLoss(nnModel, nnGuide, data2), stepSeed)();
    const b = lossTensor.dataSync()[0]!;
    lossTensor.dispose();
    setSeed(9);
    const c = svi.step(data2);
    expect(svi.lastStepSeed).toBe(stepSeed);
    expect(b).toBeCloseTo(a, 5);
    expect(c).toBeCloseTo(a, 5);
    // The step moved the parameters; evaluateLoss does not.
    expect(value("m")).not.toBe(0.2);
    const m = value("m");
    svi.evaluateLoss(data2);
    expect(value("m")).toBe(m);
  });

  it("is reproducible under setSeed", () => {
    const run = () => {
      clearParamStore();
      setSeed(21);
      const svi = new SVI(nnModel, nnGuide, new Adam({ lr: 0.05 }), new TraceELBO());
      const losses = Array.from({ length: 5 }, () => svi.step(data2));
      return [...losses, value("m"), value("s")];
    };
    expect(run()).toEqual(run());
  });

  it("optimises params that first appear in a later step", () => {
    let withExtra = false;
    const guide = (data: tf.Tensor) => {
      nnGuide(data);
      if (withExtra) sample("w", new Normal(param("w_loc", tf.scalar(3)), 1));
    };
    const model = (data: tf.Tensor) => {
      nnModel(data);
      if (withExtra) sample("w", new Normal(0, 1));
    };
    const svi = new SVI(model, guide, new Adam({ lr: 0.1 }), new TraceELBO());
    svi.step(data2);
    withExtra = true;
    svi.step(data2);
    expect(value("w_loc")).toBeLessThan(3);
  });

  it("uses the store it was given", () => {
    const store = new ParamStore();
    const svi = new SVI(nnModel, nnGuide, new Adam({ lr: 0.1 }), new TraceELBO(), { store });
    svi.step(data2);
    expect(store.names().sort()).toEqual(["m", "s"]);
    expect(getParamStore().size).toBe(0);
    store.clear();
  });
});

describe("non-finite losses", () => {
  const bad = tf.tensor1d([0.3, Number.NaN]);

  it("throws naming the step and the site, and leaves the parameters unchanged", () => {
    const svi = new SVI(nnModel, nnGuide, new Adam({ lr: 0.1 }), new TraceELBO());
    svi.step(data2);
    svi.step(data2);
    const before = getParamStore().getState();
    let error: unknown;
    try {
      svi.step(bad);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.message).toMatch(/SVI step 3: the loss is NaN/);
    expect(e.message).toMatch(/model site 'x'/);
    expect(e.step).toBe(3);
    expect(e.site?.name).toBe("x");
    expect(getParamStore().getState()).toEqual(before);
    // Training continues from the same parameters.
    expect(Number.isFinite(svi.step(data2))).toBe(true);
  });

  it("names a guide site when the guide's log-density is the first non-finite one", () => {
    const guide = () => {
      const m = param("m", tf.scalar(0.2));
      sample("loc", new Normal(m, tf.scalar(-1), { validateArgs: false }));
    };
    const svi = new SVI(nnModel, guide, new Adam(), new TraceELBO());
    expect(() => svi.step(data2)).toThrow(/SVI step 1: .*guide site 'loc'/s);
  });

  it("skipNonFinite skips such steps, counting them, with the parameters unchanged", () => {
    const svi = new SVI(nnModel, nnGuide, new Adam({ lr: 0.1 }), new TraceELBO(), { skipNonFinite: true });
    svi.step(data2);
    const before = getParamStore().getState();
    expect(Number.isNaN(svi.step(bad))).toBe(true);
    expect(Number.isNaN(svi.step(bad))).toBe(true);
    expect(svi.skippedSteps).toBe(2);
    expect(svi.stepCount).toBe(3);
    expect(getParamStore().getState()).toEqual(before);
    svi.step(data2);
    expect(getParamStore().getState()).not.toEqual(before);
  });
});

describe("memory", () => {
  it("the live tensor count is the same after 10 and after 1,000 steps", () => {
    const svi = new SVI(nnModel, nnGuide, new ClippedAdam({ lr: 0.01 }), new TraceELBO());
    for (let i = 0; i < 10; i++) svi.step(data2);
    const after10 = tf.memory().numTensors;
    for (let i = 0; i < 990; i++) svi.step(data2);
    expect(tf.memory().numTensors).toBe(after10);
    svi.evaluateLoss(data2);
    expect(tf.memory().numTensors).toBe(after10);
  });

  it("also with vectorized particles and a score-function guide", () => {
    const guide = (_d: tf.Tensor) => {
      const m = param("m", tf.scalar(0.2));
      sample("loc", new Normal(m, 1), { infer: { scoreFunction: true } });
    };
    const svi = new SVI(nnModel, guide, new Adam({ lr: 0.01 }), new TraceELBO({ numParticles: 4, vectorizeParticles: true }));
    for (let i = 0; i < 10; i++) svi.step(data2);
    const after10 = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) svi.step(data2);
    expect(tf.memory().numTensors).toBe(after10);
  });
});
