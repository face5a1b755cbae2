import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fixtures from "../fixtures/inference_kit.json" with { type: "json" };
import { Normal } from "../../src/distributions/normal.js";
import { sample, param, plate, clearParamStore, seed } from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import { logEvidence, iwaeBound, ImportanceWeightedELBO, importanceLogWeights, logSumExp } from "../../src/infer/importance.js";
import { TraceELBO } from "../../src/infer/index.js";

// Fixture case: z ~ N(0.5, 2), x_i ~ N(z, 1), 5 points; log p(x) by scipy quadrature.
const fx = fixtures.normalNormal[0]!;
const xs = tf.tensor1d(fx.inputs.data);
const { posteriorMean, posteriorSd, logEvidence: exactLogEvidence } = fx.expected;

function model(): void {
  const z = sample("z", new Normal(fx.inputs.priorLoc, fx.inputs.priorScale));
  plate("data", fx.inputs.data.length, () => sample("x", new Normal(z, fx.inputs.noiseScale), { obs: xs }));
}

const guideAt = (loc: number, scale: number) => () => {
  sample("z", new Normal(loc, scale));
};

beforeEach(() => {
  clearParamStore();
  setSeed(11);
});

describe("logEvidence", () => {
  it("is exact, with every weight equal (ESS = N), when the guide is the exact posterior", () => {
    const r = logEvidence(model, guideAt(posteriorMean, posteriorSd), { numSamples: 50 });
    expect(r.logWeights).toBeInstanceOf(Float32Array);
    expect(r.logWeights.length).toBe(50);
    expect(Math.abs(r.logEvidence - exactLogEvidence)).toBeLessThan(1e-4 * (1 + Math.abs(exactLogEvidence)));
    for (const w of r.logWeights) expect(Math.abs(w - exactLogEvidence)).toBeLessThan(2e-3);
    expect(r.ess).toBeGreaterThan(49.9);
    expect(r.ess).toBeLessThanOrEqual(50 + 1e-9);
  });

  for (const vectorize of [false, true]) {
    const n = vectorize ? 4000 : 150;
    it(`matches the closed form with a wider proposal, and its ESS falls as the proposal worsens (${vectorize ? "vectorized" : "looped"})`, () => {
      const good = logEvidence(model, guideAt(posteriorMean + 0.2, 1.5 * posteriorSd), { numSamples: n, vectorize });
      expect(good.logWeights.length).toBe(n);
      // log of a mean of weights: the delta-method standard error is sd(w)/(mean(w)·√N) = √(N/ESS − 1)/√N.
      const se = Math.sqrt(n / good.ess - 1) / Math.sqrt(n);
      expect(Math.abs(good.logEvidence - exactLogEvidence)).toBeLessThan(5 * se + 1e-3);
      expect(good.ess).toBeGreaterThan(0.3 * n);
      const prior = logEvidence(model, guideAt(fx.inputs.priorLoc, fx.inputs.priorScale), { numSamples: n, vectorize });
      expect(prior.ess).toBeLessThan(good.ess / 2);
      expect(prior.ess).toBeGreaterThanOrEqual(1);
      const priorSe = Math.sqrt(n / prior.ess - 1) / Math.sqrt(n);
      expect(Math.abs(prior.logEvidence - exactLogEvidence)).toBeLessThan(5 * priorSe + 0.05);
    });
  }

  it("vectorized weights are exact with the exact posterior and leave no tensors behind", () => {
    const before = tf.memory().numTensors;
    const r = logEvidence(model, guideAt(posteriorMean, posteriorSd), { numSamples: 64, vectorize: true });
    expect(tf.memory().numTensors).toBe(before);
    for (const w of r.logWeights) expect(Math.abs(w - exactLogEvidence)).toBeLessThan(2e-3);
    expect(r.ess).toBeGreaterThan(63.9);
  });

  it("leaves model latents the guide does not sample to their prior (they cancel)", () => {
    const withNuisance = () => {
      sample("w", new Normal(3, 1));
      model();
    };
    const r = logEvidence(withNuisance, guideAt(posteriorMean, posteriorSd), { numSamples: 20 });
    expect(Math.abs(r.logEvidence - exactLogEvidence)).toBeLessThan(1e-4 * (1 + Math.abs(exactLogEvidence)));
  });

  it("is reproducible under a seed and rejects a bad sample count", () => {
    const a = seed(() => logEvidence(model, guideAt(1, 1), { numSamples: 10 }), 3)();
    const b = seed(() => logEvidence(model, guideAt(1, 1), { numSamples: 10 }), 3)();
    expect(Array.from(a.logWeights)).toEqual(Array.from(b.logWeights));
    expect(() => logEvidence(model, guideAt(1, 1), { numSamples: 0 })).toThrow(/numSamples/);
  });

  it("logSumExp is stable", () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.log(2), 10);
    expect(logSumExp([-Infinity, -Infinity])).toBe(-Infinity);
    expect(logSumExp([0, Math.log(3)])).toBeCloseTo(Math.log(4), 12);
  });
});

describe("importance-weighted bound", () => {
  it("increases in K on average and stays below log p(x)", () => {
    const guide = guideAt(posteriorMean + 2 * posteriorSd, 0.6 * posteriorSd);
    const mean = (k: number, reps: number) => {
      let s = 0;
      const vals: number[] = [];
      for (let r = 0; r < reps; r++) {
        const v = iwaeBound(model, guide, { numSamples: k });
        vals.push(v);
        s += v;
      }
      const m = s / reps;
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (reps - 1));
      return { m, se: sd / Math.sqrt(reps) };
    };
    const l1 = mean(1, 300);
    const l10 = mean(10, 60);
    // Vectorized draws of the same bound have the same mean.
    const v10 = (() => {
      const vals = Array.from({ length: 200 }, () => iwaeBound(model, guide, { numSamples: 10, vectorize: true }));
      const m = vals.reduce((a, b) => a + b, 0) / vals.length;
      const sd = Math.sqrt(vals.reduce((a, v) => a + (v - m) ** 2, 0) / (vals.length - 1));
      return { m, se: sd / Math.sqrt(vals.length) };
    })();
    expect(Math.abs(v10.m - l10.m)).toBeLessThan(4 * Math.hypot(v10.se, l10.se));
    expect(l10.m - l1.m).toBeGreaterThan(4 * Math.hypot(l1.se, l10.se));
    expect(l10.m).toBeLessThan(exactLogEvidence + 4 * l10.se);
  });

  it("ImportanceWeightedELBO with K = 1 gives TraceELBO's loss under one seed, and a matching differentiable value", () => {
    const guide = () => {
      const loc = param("q.loc", tf.scalar(0.3));
      sample("z", new Normal(loc, 0.5));
    };
    const iw = new ImportanceWeightedELBO({ numSamples: 1 });
    const a = seed(() => iw.loss(model, guide), 5)();
    const b = seed(() => new TraceELBO().loss(model, guide), 5)();
    expect(Math.abs(a - b)).toBeLessThan(1e-5 * (1 + Math.abs(b)));
    const iw4 = new ImportanceWeightedELBO({ numSamples: 4, vectorizeSamples: true });
    const l = seed(() => iw4.loss(model, guide), 9)();
    const d = seed(() => iw4.differentiableLoss(model, guide), 9)();
    expect(Math.abs(d.dataSync()[0]! - l)).toBeLessThan(1e-5 * (1 + Math.abs(l)));
    d.dispose();
    // Its pathwise gradient points towards the posterior mean (q.loc = 0.3 < 0.857).
    const { grads, value } = tf.variableGrads(() => iw4.differentiableLoss(model, guide));
    expect(Object.values(grads)[0]!.dataSync()[0]).toBeLessThan(0);
    tf.dispose([value, ...Object.values(grads)]);
  });

  it("names a guide site without a reparameterized sampler", () => {
    const guide = () => {
      sample("z", new Normal(0, 1), { infer: { scoreFunction: true } });
    };
    expect(() => new ImportanceWeightedELBO({ numSamples: 2 }).differentiableLoss(model, guide)).toThrow(/'z'.*not reparameterized/);
    expect(() => new ImportanceWeightedELBO({ numSamples: 0 })).toThrow(/numSamples/);
  });

  it("importanceLogWeights returns float64 weights", () => {
    const w = importanceLogWeights(model, guideAt(1, 1), { numSamples: 4 });
    expect(w).toBeInstanceOf(Float64Array);
    expect(w.length).toBe(4);
  });
});
