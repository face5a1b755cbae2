/**
 * Autoguides fitted by SVI reach the analytic posterior: conjugate models whose posterior
 * moments the testing kit computes in closed form (checked against scipy in
 * tests/testing/closed-forms.test.ts).
 */
import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { Normal } from "../../src/distributions/normal.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Poisson } from "../../src/distributions/poisson.js";
import { sample, plate, ParamStore } from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import { AutoNormal, AutoDelta, AutoDiagonalNormal, SVI, TraceELBO, Adam, Predictive, type ModelFn } from "../../src/infer/index.js";
import { normalNormalCase, gammaPoissonCase, betaBernoulliCase } from "../../src/testing/index.js";

/** Adam with the learning rate decayed geometrically from lr0 to lr1 over the steps. */
function train(model: ModelFn<[]>, guide: ModelFn<[]>, store: ParamStore, steps: number, lr0: number, lr1: number, particles = 16): void {
  const opt = new Adam({ lr: lr0 });
  const svi = new SVI(model, guide, opt, new TraceELBO({ numParticles: particles, vectorizeParticles: particles > 1 }), { store });
  const decay = Math.pow(lr1 / lr0, 1 / steps);
  for (let i = 0; i < steps; i++) {
    svi.step();
    opt.lr *= decay;
  }
}

/** Mean and sd of the guide's draws of `site` (vectorized Predictive). */
function guideMoments(model: ModelFn<[]>, guide: ModelFn<[]>, site: string, n = 2000): { mean: number[]; sd: number[] } {
  const draws = new Predictive(model, { guide, numSamples: n, parallel: true, returnSites: [site] }).get()[site]!;
  const out = tf.tidy(() => {
    const { mean, variance } = tf.moments(draws, 0);
    return { mean: Array.from(mean.dataSync()), sd: Array.from(tf.sqrt(tf.mul(variance, n / (n - 1))).dataSync()) };
  });
  draws.dispose();
  return out;
}

const within = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

beforeEach(() => setSeed(2024));

describe("AutoNormal reaches the analytic posterior (mean and sd within 5%)", () => {
  it("Normal–Normal: median, quantiles and sampled moments", () => {
    const c = normalNormalCase({ seed: 0, data: [2.5, 1.75, 3.0, 2.25, 1.5], priorLoc: 0, priorScale: 2, noiseScale: 1, locShift: 0, logScaleShift: 0 });
    const store = new ParamStore();
    const guide = new AutoNormal(c.model, { store });
    train(c.model, guide, store, 250, 0.1, 0.005);
    const med = guide.median();
    const q = guide.quantiles([0.15865525393145707, 0.8413447460685429]);
    within(med.z!.dataSync()[0]!, c.posteriorMean, 0.05);
    const [lo, hi] = Array.from(q.z!.dataSync());
    within((hi! - lo!) / 2, c.posteriorSd, 0.05);
    const m = guideMoments(c.model, guide, "z");
    within(m.mean[0]!, c.posteriorMean, 0.05);
    within(m.sd[0]!, c.posteriorSd, 0.05);
    tf.dispose([...Object.values(med), ...Object.values(q)]);
  });

  it("Gamma–Poisson (a log-normal guide in unconstrained space)", () => {
    const c = gammaPoissonCase({ seed: 0, data: [10, 7, 9, 8, 10, 6], priorConcentration: 4, priorRate: 2.5, logConcentrationShift: 0, logRateShift: 0 });
    const store = new ParamStore();
    const guide = new AutoNormal(c.model, { store });
    train(c.model, guide, store, 250, 0.1, 0.005);
    const m = guideMoments(c.model, guide, "z");
    within(m.mean[0]!, c.posteriorMean, 0.05);
    within(m.sd[0]!, c.posteriorSd, 0.05);
  });

  it("Beta–Bernoulli (a logit-normal guide)", () => {
    const data = Array.from({ length: 40 }, (_, i) => (i % 8 < 5 ? 1 : 0));
    const c = betaBernoulliCase({ seed: 0, data, priorConcentration1: 2, priorConcentration0: 3, logShift1: 0, logShift0: 0 });
    const store = new ParamStore();
    const guide = new AutoNormal(c.model, { store });
    train(c.model, guide, store, 250, 0.1, 0.005);
    const m = guideMoments(c.model, guide, "z");
    within(m.mean[0]!, c.posteriorMean, 0.05);
    within(m.sd[0]!, c.posteriorSd, 0.05);
  });
});

