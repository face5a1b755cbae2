import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { Normal } from "../../src/distributions/normal.js";
import { Laplace } from "../../src/distributions/laplace.js";
import { gather } from "../../src/backend/gather.js";
import { setSeed } from "../../src/backend/random.js";
import { sample, plate, clearParamStore, type PlateFrame } from "../../src/ppl/index.js";
import { TraceELBO, TraceMeanFieldELBO, sumToPlates, type ELBOEstimator } from "../../src/infer/index.js";

const DATA = [-0.5, 2.0];
/** Pyro's test_gradient: at loc = [0, 0] and one shared scale = 1 the loss gradient is exactly this. */
const EXACT = { loc: [0.5, -2.0], scale: [2.0] };

interface Grads {
  loc: number[];
  scale: number[];
}

/**
 * In a plate over the data, z_i ~ Normal(0, 1), x_i ~ Normal(z_i, 1); guide z_i ~ Normal(loc_i, scale).
 */
function gradientProblem(options: { scoreFunction?: boolean; subsample?: number[]; subsampleSize?: number } = {}) {
  const loc = tf.variable(tf.zeros([2]));
  const scale = tf.variable(tf.ones([1]));
  const x = tf.tensor1d(DATA);
  const plateOptions = { subsample: options.subsample, subsampleSize: options.subsampleSize };
  const model = () =>
    plate(
      "data",
      2,
      (idx) => {
        const z = sample("z", new Normal(0, 1));
        sample("x", new Normal(z, 1), { obs: gather(x, idx) });
      },
      plateOptions,
    );
  const guide = () =>
    plate(
      "data",
      2,
      (idx) => {
        sample("z", new Normal(gather(loc, idx), scale), { infer: { scoreFunction: options.scoreFunction ?? false } });
      },
      plateOptions,
    );
  const grads = (elbo: ELBOEstimator): Grads => {
    const { value, grads } = tf.variableGrads(() => elbo.differentiableLoss(model, guide), [loc, scale]);
    const out = { loc: Array.from(grads[loc.name]!.dataSync()), scale: Array.from(grads[scale.name]!.dataSync()) };
    tf.dispose([value, ...Object.values(grads)]);
    return out;
  };
  const dispose = () => tf.dispose([loc, scale, x]);
  return { grads, dispose, model, guide, loc, scale };
}

/** Mean and standard error per component over independent batch estimates. */
function summarize(batches: number[][]): { mean: number[]; se: number[] } {
  const k = batches.length;
  const mean = batches[0]!.map((_, j) => batches.reduce((s, b) => s + b[j]!, 0) / k);
  const se = mean.map((m, j) => Math.sqrt(batches.reduce((s, b) => s + (b[j]! - m) ** 2, 0) / (k - 1) / k));
  return { mean, se };
}

/** Checks batch estimates against `exact` within 4 standard errors, and that the test is sharp. */
function expectUnbiased(batches: number[][], exact: number[], maxSe: number): void {
  const { mean, se } = summarize(batches);
  for (let j = 0; j < exact.length; j++) {
    expect(se[j]!, `standard error of component ${j}`).toBeLessThan(maxSe);
    expect(Math.abs(mean[j]! - exact[j]!), `component ${j}: mean ${mean[j]} vs ${exact[j]} (se ${se[j]})`).toBeLessThan(4 * se[j]! + 1e-3);
  }
}

const flat = (g: Grads) => [...g.loc, ...g.scale];
const EXACT_FLAT = [...EXACT.loc, ...EXACT.scale];

beforeEach(() => {
  clearParamStore();
  setSeed(0);
});

describe("TraceELBO gradient estimates (Pyro's test_gradient)", () => {
  it("reparameterized guide: pathwise gradient is unbiased", () => {
    const p = gradientProblem();
    const elbo = new TraceELBO({ numParticles: 5000, vectorizeParticles: true });
    const batches = Array.from({ length: 8 }, () => flat(p.grads(elbo)));
    expectUnbiased(batches, EXACT_FLAT, 0.02);
    p.dispose();
  });

  it("guide forced onto the score-function estimator (infer.scoreFunction): unbiased", () => {
    const p = gradientProblem({ scoreFunction: true });
    const elbo = new TraceELBO({ numParticles: 25000, vectorizeParticles: true });
    const batches = Array.from({ length: 8 }, () => flat(p.grads(elbo)));
    expectUnbiased(batches, EXACT_FLAT, 0.05);
    p.dispose();
  });

  for (const scoreFunction of [false, true]) {
    it(`subsample of size 1${scoreFunction ? ", score-function guide" : ""}: each member is scaled by 2 and the two average to the exact gradient`, () => {
      const perMember = [[0], [1]].map((subsample) => {
        const p = gradientProblem({ subsample, scoreFunction });
        const elbo = new TraceELBO({ numParticles: scoreFunction ? 20000 : 12000, vectorizeParticles: true });
        const batches = Array.from({ length: 8 }, () => flat(p.grads(elbo)));
        p.dispose();
        return batches;
      });
      // The member not in the subsample gets no gradient at all.
      expect(perMember[0]!.every((b) => b[1] === 0)).toBe(true);
      expect(perMember[1]!.every((b) => b[0] === 0)).toBe(true);
      const averaged = perMember[0]!.map((b, k) => b.map((v, j) => (v + perMember[1]![k]![j]!) / 2));
      expectUnbiased(averaged, EXACT_FLAT, scoreFunction ? 0.05 : 0.02);
    });
  }

  it("random subsample of size 1 (drawn per particle): unbiased", () => {
    const p = gradientProblem({ subsampleSize: 1 });
    const elbo = new TraceELBO({ numParticles: 40 });
    const batches = Array.from({ length: 8 }, () => flat(p.grads(elbo)));
    expectUnbiased(batches, EXACT_FLAT, 0.5);
    p.dispose();
  });
});

describe("vectorized particles", () => {
  it("one vectorized particle equals one looped particle under one seed (loss and gradient)", () => {
    const p = gradientProblem({ scoreFunction: false });
    const looped = new TraceELBO();
    const vectorized = new TraceELBO({ vectorizeParticles: true });
    setSeed(11);
    const a = looped.loss(p.model, p.guide);
    const ga = p.grads(looped);
    setSeed(11);
    const b = vectorized.loss(p.model, p.guide);
    const gb = p.grads(vectorized);
    expect(b).toBe(a);
    expect(gb).toEqual(ga);
    p.dispose();
  });

  it("the same holds for the score-function surrogate", () => {
    const p = gradientProblem({ scoreFunction: true });
    setSeed(12);
    const ga = p.grads(new TraceELBO());
    setSeed(12);
    const gb = p.grads(new TraceELBO({ vectorizeParticles: true }));
    ga.loc.forEach((v, i) => expect(gb.loc[i]).toBeCloseTo(v, 5));
    expect(gb.scale[0]).toBeCloseTo(ga.scale[0]!, 5);
    p.dispose();
  });

  it("places the particle plate left of the deepest plate (nested plates)", () => {
    const model = () =>
      plate("outer", 3, () =>
        plate("inner", 2, () => {
          const z = sample("z", new Normal(0, 1));
          sample("x", new Normal(z, 1), { obs: tf.ones([2, 3]) });
        }),
      );
    // outer takes dim -1 (size 3), inner dim -2 (size 2): batch shape [2, 3]; particles at dim -3.
    const guide = () => plate("outer", 3, () => plate("inner", 2, () => sample("z", new Normal(tf.zeros([2, 3]), 1))));
    const value = new TraceELBO({ numParticles: 7, vectorizeParticles: true }).loss(model, guide);
    expect(Number.isFinite(value)).toBe(true);
  });

  it("leaves the global random stream where looped particles would (nesting discovery uses its own stream)", () => {
    const p = gradientProblem();
    setSeed(3);
    new TraceELBO({ vectorizeParticles: true, numParticles: 2 }).loss(p.model, p.guide);
    const after = tf.tidy(() => tf.randomUniform([1], 0, 1, "float32", 1));
    expect(after.shape).toEqual([1]);
    after.dispose();
    p.dispose();
  });
});

describe("model/guide checks", () => {
  const model = () => {
    const z = sample("z", new Normal(0, 1));
    sample("x", new Normal(z, 1), { obs: tf.scalar(0.3) });
  };

  it("a guide sample site missing in the model throws naming it", () => {
    const guide = () => {
      sample("z", new Normal(0, 1));
      sample("extra", new Normal(0, 1));
    };
    expect(() => new TraceELBO().loss(model, guide)).toThrow(/guide sample site 'extra' is missing in the model/);
  });

  it("a latent model site with no guide site throws naming it (no silent prior)", () => {
    const guide = () => {};
    expect(() => new TraceELBO().differentiableLoss(model, guide)).toThrow(/model latent site 'z' has no guide site/);
  });

  it("a guide site observed in the model throws naming it", () => {
    const guide = () => {
      sample("z", new Normal(0, 1));
      sample("x", new Normal(0, 1));
    };
    expect(() => new TraceELBO().loss(model, guide)).toThrow(/guide sample site 'x' is observed in the model/);
  });

  it("rejects bad options", () => {
    expect(() => new TraceELBO({ numParticles: 0 })).toThrow(/numParticles/);
    expect(() => new TraceELBO({ maxPlateNesting: -1 })).toThrow(/maxPlateNesting/);
  });

  it("leaves no tensors behind", () => {
    const p = gradientProblem({ scoreFunction: true });
    const elbo = new TraceELBO({ numParticles: 3 });
    elbo.loss(p.model, p.guide);
    const before = tf.memory().numTensors;
    elbo.loss(p.model, p.guide);
    p.grads(elbo);
    tf.tidy(() => {
      elbo.differentiableLoss(p.model, p.guide);
    });
    expect(tf.memory().numTensors).toBe(before);
    p.dispose();
  });
});

describe("sumToPlates (Pyro's MultiFrameTensor.sum_to)", () => {
  const a: PlateFrame = { name: "a", dim: -1, size: 3, fullSize: 3 };
  const b: PlateFrame = { name: "b", dim: -2, size: 2, fullSize: 2 };
  const other: PlateFrame = { name: "other", dim: -1, size: 3, fullSize: 3 };

  it("keeps the target's plates, sums the rest, and adds the terms (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.float({ min: -10, max: 10, noNaN: true }), { minLength: 6, maxLength: 6 }), fc.float({ min: -10, max: 10, noNaN: true }), (vals, g) => {
        tf.tidy(() => {
          const ab = tf.tensor2d(vals, [2, 3]); // plates a (dim -1) and b (dim -2)
          const global = tf.scalar(g); // no plates
          const terms = [
            { value: ab, plates: [a, b] },
            { value: global, plates: [] },
          ];
          const toA = sumToPlates(terms, [a]);
          const colSums = [0, 1, 2].map((j) => vals[j]! + vals[3 + j]! + g);
          expect(toA.shape).toEqual([1, 3]);
          Array.from(toA.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(colSums[j]!, 3));
          const toB = sumToPlates(terms, [b]);
          expect(toB.shape).toEqual([2, 1]);
          const rowSums = [0, 1].map((i) => vals[3 * i]! + vals[3 * i + 1]! + vals[3 * i + 2]! + g);
          Array.from(toB.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(rowSums[i]!, 3));
          const toNone = sumToPlates(terms, []);
          expect(toNone.dataSync()[0]).toBeCloseTo(vals.reduce((s, v) => s + v, 0) + g, 3);
          // A plate with the same dim but another name is not the target plate: summed out.
          const toOther = sumToPlates(terms, [other]);
          expect(toOther.dataSync()[0]).toBeCloseTo(vals.reduce((s, v) => s + v, 0) + g, 3);
        });
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

describe("TraceMeanFieldELBO", () => {
  /** loc ~ N(0, 1), z_i ~ N(loc, 1) in a plate, x_i ~ N(z_i, 0.5); a mean-field Normal guide. */
  function hierarchical() {
    const x = tf.tensor1d([0.4, -1.2, 2.1]);
    const vars = {
      m: tf.variable(tf.scalar(0.3)),
      s: tf.variable(tf.scalar(0.8)),
      mz: tf.variable(tf.tensor1d([0.1, -0.5, 1.0])),
      sz: tf.variable(tf.tensor1d([0.6, 0.9, 0.7])),
    };
    const model = () => {
      const loc = sample("loc", new Normal(0, 1));
      plate("data", 3, () => {
        const z = sample("z", new Normal(loc, 1));
        sample("x", new Normal(z, 0.5), { obs: x });
      });
    };
    const guide = () => {
      sample("loc", new Normal(vars.m, vars.s));
      plate("data", 3, () => sample("z", new Normal(vars.mz, vars.sz)));
    };
    const list = Object.values(vars);
    const estimate = (elbo: ELBOEstimator) => {
      const { value, grads } = tf.variableGrads(() => elbo.differentiableLoss(model, guide), list);
      const out = [value.dataSync()[0]!, ...list.flatMap((v) => Array.from(grads[v.name]!.dataSync()))];
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    return { model, guide, estimate, dispose: () => tf.dispose([x, ...list]) };
  }

  it("agrees with TraceELBO in expectation and in expected gradient", () => {
    const h = hierarchical();
    const mc = Array.from({ length: 8 }, () => h.estimate(new TraceELBO({ numParticles: 4000, vectorizeParticles: true })));
    const mf = Array.from({ length: 8 }, () => h.estimate(new TraceMeanFieldELBO({ numParticles: 4000, vectorizeParticles: true })));
    const a = summarize(mc);
    const b = summarize(mf);
    for (let j = 0; j < a.mean.length; j++) {
      const se = Math.hypot(a.se[j]!, b.se[j]!);
      expect(se, `component ${j}`).toBeLessThan(0.08);
      expect(Math.abs(a.mean[j]! - b.mean[j]!), `component ${j}: ${a.mean[j]} vs ${b.mean[j]}`).toBeLessThan(4 * se + 1e-3);
    }
    // The analytic KL removes variance: the mean-field loss varies less across batches.
    expect(b.se[0]!).toBeLessThan(a.se[0]!);
    h.dispose();
  });

  it("falls back to Monte Carlo where no KL is registered: equals TraceELBO under one seed", () => {
    const model = () => {
      const z = sample("z", new Normal(0, 1));
      sample("x", new Normal(z, 1), { obs: tf.scalar(0.7) });
    };
    const guide = () => sample("z", new Laplace(0.2, 0.9));
    setSeed(4);
    const a = new TraceELBO().loss(model, guide);
    setSeed(4);
    const b = new TraceMeanFieldELBO().loss(model, guide);
    expect(b).toBeCloseTo(a, 5);
  });

  it("requires a reparameterized guide, naming the site", () => {
    const model = () => sample("z", new Normal(0, 1));
    const guide = () => sample("z", new Normal(0, 1), { infer: { scoreFunction: true } });
    expect(() => new TraceMeanFieldELBO().loss(model, guide)).toThrow(/guide site 'z' is not reparameterized/);
  });
});
