/**
 * AutoDelta reaches the MAP, AutoDiagonalNormal fits a multi-site model, and AutoNormal trains
 * local latents in a subsampled plate.
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

describe("AutoDelta reaches the MAP", () => {
  it("Gamma–Poisson: (a − 1) / b; Normal–Normal: the posterior mean", () => {
    const gp = gammaPoissonCase({ seed: 0, data: [10, 7, 9, 8, 10, 6], priorConcentration: 4, priorRate: 2.5, logConcentrationShift: 0, logRateShift: 0 });
    const a = gp.posterior["q.concentration"]!;
    const b = gp.posterior["q.rate"]!;
    const store = new ParamStore();
    const guide = new AutoDelta(gp.model, { store });
    train(gp.model, guide, store, 200, 0.1, 0.01, 1);
    const med = guide.median();
    within(med.z!.dataSync()[0]!, (a - 1) / b, 0.01);
    const nn = normalNormalCase({ seed: 0, data: [2.5, 1.75, 3.0], priorLoc: 0, priorScale: 2, noiseScale: 1, locShift: 0, logScaleShift: 0 });
    const store2 = new ParamStore();
    const guide2 = new AutoDelta(nn.model, { store: store2 });
    train(nn.model, guide2, store2, 200, 0.1, 0.01, 1);
    const med2 = guide2.median();
    within(med2.z!.dataSync()[0]!, nn.posteriorMean, 0.01);
    tf.dispose([...Object.values(med), ...Object.values(med2)]);
  });
});

describe("AutoDiagonalNormal on a multi-site model", () => {
  it("fits a vector site in a plate and a positive site together", () => {
    // mu_g ~ N(0, 2) for 3 groups, x_{i,g} ~ N(mu_g, 1) (4 per group); rate ~ Gamma(2, 1), k_j ~ Poisson(rate).
    const x = [
      [1.5, -2.0, 4.0],
      [2.0, -1.5, 3.5],
      [1.0, -2.5, 4.5],
      [2.5, -1.0, 3.0],
    ];
    const counts = [9, 11, 8, 12, 10, 9];
    const xT = tf.tensor2d(x);
    const kT = tf.tensor1d(counts);
    const model = () => {
      plate(
        "groups",
        3,
        () => {
          const mu = sample("mu", new Normal(0, 2));
          plate("obs", 4, () => sample("x", new Normal(mu, 1), { obs: xT }), { dim: -2 });
        },
        { dim: -1 },
      );
      const rate = sample("rate", new Gamma(2, 1));
      plate("counts", 6, () => sample("k", new Poisson(rate), { obs: kT }));
    };
    const store = new ParamStore();
    const guide = new AutoDiagonalNormal(model, { store });
    train(model, guide, store, 300, 0.1, 0.005);
    expect(guide.latentDim).toBe(4);
    const precision = 1 / 4 + 4;
    const muMoments = guideMoments(model, guide, "mu");
    for (let g = 0; g < 3; g++) {
      const sum = x.reduce((s, row) => s + row[g]!, 0);
      within(muMoments.mean[g]!, sum / precision, 0.05);
      within(muMoments.sd[g]!, Math.sqrt(1 / precision), 0.05);
    }
    const rateCase = gammaPoissonCase({ seed: 0, data: counts, priorConcentration: 2, priorRate: 1, logConcentrationShift: 0, logRateShift: 0 });
    const r = guideMoments(model, guide, "rate");
    within(r.mean[0]!, rateCase.posteriorMean, 0.05);
    within(r.sd[0]!, rateCase.posteriorSd, 0.05);
  });
});

describe("AutoNormal with a subsampled plate of local latents", () => {
  it("trains: every local latent's loc reaches its posterior mean", () => {
    const n = 30;
    const data = Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i) * 3 + 1));
    const dataT = tf.tensor1d(data);
    const model = () => {
      const mu = sample("mu", new Normal(0, 5));
      plate(
        "data",
        n,
        (idx) => {
          const z = sample("z", new Normal(mu, 1));
          sample("x", new Normal(z, 0.5), { obs: tf.gather(dataT, idx) });
        },
        { subsampleSize: 10 },
      );
    };
    const store = new ParamStore();
    const guide = new AutoNormal(model, { store });
    const elbo = new TraceELBO({ numParticles: 8, vectorizeParticles: true });
    const before = tf.tidy(() => Array.from({ length: 10 }, () => elbo.loss(model, guide)).reduce((a, b) => a + b) / 10);
    train(model, guide, store, 350, 0.1, 0.005, 8);
    const after = Array.from({ length: 10 }, () => elbo.loss(model, guide)).reduce((a, b) => a + b) / 10;
    expect(after).toBeLessThan(before);
    // Gaussian model: mean-field VI recovers the exact posterior means.
    // x_i | mu ~ N(mu, 1.25): mu | x has precision 1/25 + n/1.25; E[z_i | x] = (E[mu] + 4 x_i) / 5.
    const muPost = data.reduce((s, v) => s + v, 0) / 1.25 / (1 / 25 + n / 1.25);
    const locs = store.get("auto.locs.z").dataSync();
    expect(locs.length).toBe(n);
    data.forEach((xi, i) => expect(Math.abs(locs[i]! - (muPost + 4 * xi) / 5)).toBeLessThan(0.08));
    expect(Math.abs(store.get("auto.locs.mu").dataSync()[0]! - muPost)).toBeLessThan(0.08);
  });
});
