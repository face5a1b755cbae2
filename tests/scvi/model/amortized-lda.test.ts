/**
 * AmortizedLDA: reference values of its parts (scvi-tools' logistic-normal approximation,
 * torch's multinomial, the model's log-joint), and a model trained once on synthetic counts
 * with planted topics (recovery, proportions, ELBO, perplexity, save/load, memory).
 */
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import "../../../src/distributions/index.js";
import { RandomStream, setSeed } from "../../../src/backend/random.js";
import { condition, ParamStore, trace, withParamStore, getParamStore } from "../../../src/ppl/index.js";
import { AnnData } from "../../../src/scvi/data/anndata.js";
import { DataFrame } from "../../../src/scvi/data/dataframe.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";
import { REGISTRY_KEYS } from "../../../src/scvi/data/manager/registry.js";
import { AmortizedLDAPyroModule, AMORTIZED_LDA_SITES } from "../../../src/scvi/module/amortized-lda.js";
import { BagOfWords, topicMixtureLogProbs } from "../../../src/scvi/module/bag-of-words.js";
import { logisticNormalApproximation, logisticNormalMean } from "../../../src/scvi/module/logistic-normal.js";
import { AmortizedLDA, pyroDefaultMaxEpochs } from "../../../src/scvi/model/amortized-lda.js";
import type { PlainMatrix } from "../../../src/scvi/model/base/plain-data.js";

interface Fixture {
  logisticNormal: { alpha: number[]; mu: number[]; sigma: number[] }[];
  mixture: { cellTopic: number[][]; topicFeature: number[][]; x: number[][]; logProbs: number[][]; bowLogProb: number[] };
  joint: {
    nObs: number;
    cellTopicPrior: number[];
    topicFeaturePrior: number[];
    logTopicFeatureDist: number[][];
    logCellTopicDist: number[][];
    x: number[][];
    topicFeatureLogProb: number;
    cellTopicLogProb: number;
    featureCountsLogProb: number;
    logJoint: number;
  };
}

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/amortized_lda.json", import.meta.url), "utf8")) as Fixture;

function closeTo(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]!);
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol)) {
      throw new Error(`element ${i}: ${actual[i]} vs expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Synthetic counts with planted topics.

function gammaDraw(r: RandomStream, a: number): number {
  if (a < 1) return gammaDraw(r, a + 1) * Math.pow(r.uniform(), 1 / a);
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(1 - r.uniform())) * Math.cos(2 * Math.PI * r.uniform());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(r.uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

interface Planted {
  adata: AnnData;
  /** Planted topics, [K][G]. */
  beta: number[][];
  /** Planted proportions, [N][K]. */
  theta: number[][];
  /** exp(−Σ x log p_true / Σ x): the perplexity of the planted parameters themselves. */
  truePerplexity: number;
}

/**
 * K topics over G genes: topic k puts almost all its mass on its own block of G/K genes;
 * proportions ~ Dirichlet(0.5); 100–300 counts per cell drawn from the mixture.
 */
function plantedTopics(nCells: number, nGenes: number, nTopics: number, seed: number): Planted {
  const r = new RandomStream(seed);
  const block = nGenes / nTopics;
  const beta = Array.from({ length: nTopics }, (_, k) => {
    const w = Array.from({ length: nGenes }, (_, g) => (Math.floor(g / block) === k ? 1 + r.uniform() : 0.02));
    const s = w.reduce((a, b) => a + b, 0);
    return w.map((v) => v / s);
  });
  const theta: number[][] = [];
  const X = new Float32Array(nCells * nGenes);
  let logLik = 0;
  let total = 0;
  for (let i = 0; i < nCells; i++) {
    const g = Array.from({ length: nTopics }, () => gammaDraw(r, 0.5));
    const s = g.reduce((a, b) => a + b, 0);
    const t = g.map((v) => v / s);
    theta.push(t);
    const p = Array.from({ length: nGenes }, (_, j) => t.reduce((a, tk, k) => a + tk * beta[k]![j]!, 0));
    const library = 100 + Math.floor(r.uniform() * 200);
    for (let n = 0; n < library; n++) {
      let u = r.uniform();
      let j = 0;
      while (j < nGenes - 1 && u >= p[j]!) u -= p[j++]!;
      X[i * nGenes + j]! += 1;
      logLik += Math.log(p[j]!);
    }
    total += library;
  }
  const obsNames = Array.from({ length: nCells }, (_, i) => `cell${i}`);
  const varNames = Array.from({ length: nGenes }, (_, j) => `gene${j}`);
  const adata = new AnnData({ X: new DenseMatrix([nCells, nGenes], X), obs: new DataFrame(obsNames, {}, "obs"), var: new DataFrame(varNames, {}, "var") });
  return { adata, beta, theta, truePerplexity: Math.exp(-logLik / total) };
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! ** 2;
    bb += b[i]! ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function pearson(a: readonly number[], b: readonly number[]): number {
  const ma = a.reduce((s, v) => s + v, 0) / a.length;
  const mb = b.reduce((s, v) => s + v, 0) / b.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** The learned topic matched to each planted one (exact assignment maximising total cosine). */
function matchTopics(featureByTopic: PlainMatrix, beta: number[][]): { match: number[]; similarity: number[] } {
  const [g, k] = featureByTopic.shape;
  const column = (t: number) => Array.from({ length: g }, (_, j) => featureByTopic.data[j * k + t]!);
  const sim = beta.map((b) => Array.from({ length: k }, (_, t) => cosine(b, column(t))));
  let best = { score: -Infinity, match: [] as number[] };
  for (const p of permutations(k)) {
    const score = p.reduce((s, t, planted) => s + sim[planted]![t]!, 0);
    if (score > best.score) best = { score, match: p };
  }
  return { match: best.match, similarity: best.match.map((t, planted) => sim[planted]![t]!) };
}

// ---------------------------------------------------------------------------------------------

describe("logisticNormalApproximation", () => {
  it("matches scvi-tools' logistic_normal_approximation", () => {
    for (const c of fixture.logisticNormal) {
      const { mu, sigma } = logisticNormalApproximation(c.alpha);
      closeTo(mu, c.mu, 1e-12, 1e-12);
      closeTo(sigma, c.sigma, 1e-12, 1e-12);
    }
  });

  it("rejects fewer than two categories and non-positive concentrations", () => {
    expect(() => logisticNormalApproximation([1])).toThrow(/at least 2/);
    expect(() => logisticNormalApproximation([1, 0, 2])).toThrow(/concentration 1 is 0/);
  });

  it("logisticNormalMean: chunked Monte Carlo mean of the softmax, near the softmax for a tiny scale", () => {
    setSeed(0);
    const before = tf.memory().numTensors;
    const mean = tf.tidy(() => logisticNormalMean(tf.tensor2d([[0, 1, 2]]), tf.fill([1, 3], 1e-3), 3000));
    const soft = tf.tidy(() => tf.softmax(tf.tensor2d([[0, 1, 2]])));
    closeTo(mean.dataSync(), soft.dataSync(), 1e-3, 0);
    tf.dispose([mean, soft]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("topic mixture and bag-of-words likelihood", () => {
  const m = fixture.mixture;

  it("log(softmax(θ) · softmax(β)) matches float64, including a feature that underflows float32 in every topic", () => {
    const logP = tf.tidy(() => topicMixtureLogProbs(tf.tensor2d(m.cellTopic), tf.tensor2d(m.topicFeature)));
    closeTo(logP.dataSync(), m.logProbs.flat(), 2e-5, 2e-6);
    logP.dispose();
  });

  it("BagOfWords.logProb is torch's multinomial log-mass without its coefficient", () => {
    const lp = tf.tidy(() => {
      const x = tf.tensor2d(m.x);
      const logits = topicMixtureLogProbs(tf.tensor2d(m.cellTopic), tf.tensor2d(m.topicFeature));
      return new BagOfWords(tf.sum(x, -1), logits).logProb(x);
    });
    closeTo(lp.dataSync(), m.bowLogProb, 1e-3, 2e-6);
    lp.dispose();
  });

  it("BagOfWords with normalized log-probabilities gives the same log-mass without the guard", () => {
    const lp = tf.tidy(() => {
      const x = tf.tensor2d(m.x);
      const logits = topicMixtureLogProbs(tf.tensor2d(m.cellTopic), tf.tensor2d(m.topicFeature));
      return new BagOfWords(tf.sum(x, -1), logits, { normalized: true }).logProb(x);
    });
    closeTo(lp.dataSync(), m.bowLogProb, 1e-3, 2e-6);
    lp.dispose();
  });

  const bowLoss = (x: tf.Tensor, stable: boolean) => (ta: tf.Tensor, tb: tf.Tensor) => {
    const logP = stable ? topicMixtureLogProbs(ta, tb) : tf.log(tf.matMul(tf.softmax(ta), tf.softmax(tb)));
    return tf.sum(new BagOfWords(tf.sum(x, -1), logP, { validateArgs: false }).logProb(x)) as tf.Scalar;
  };

  it("gradients are finite where a feature underflows float32 in every topic", () => {
    const before = tf.memory().numTensors;
    const finite = tf.tidy(() => {
      const grads = tf.grads(bowLoss(tf.tensor2d(m.x), true))([tf.tensor2d(m.cellTopic), tf.tensor2d(m.topicFeature)]);
      return grads.every((g) => Array.from(g.dataSync()).every(Number.isFinite));
    });
    expect(finite).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("property: the closed-form gradient equals autodiff of the plain formula, and leading sample dims agree", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 1e6 }), (n, k, g, seed) => {
        const r = new RandomStream(seed);
        const draw = (size: number, lo: number, hi: number) => Array.from({ length: size }, () => lo + (hi - lo) * r.uniform());
        tf.tidy(() => {
          const a = tf.tensor2d(draw(n * k, -4, 4), [n, k]);
          const b = tf.tensor2d(draw(k * g, -4, 4), [k, g]);
          const x = tf.floor(tf.tensor2d(draw(n * g, 0, 5), [n, g]));
          const stable = tf.grads(bowLoss(x, true))([a, b]);
          const plain = tf.grads(bowLoss(x, false))([a, b]);
          closeTo(stable[0]!.dataSync(), plain[0]!.dataSync(), 1e-4, 1e-3);
          closeTo(stable[1]!.dataSync(), plain[1]!.dataSync(), 1e-4, 1e-3);
          // Two particles stacked in front: the autodiff path, same values per particle.
          const a2 = tf.stack([a, tf.reverse(a, 0)]);
          const b2 = tf.stack([b, tf.reverse(b, 1)]);
          const batched = topicMixtureLogProbs(a2, b2);
          closeTo(batched.dataSync(), tf.stack([topicMixtureLogProbs(a, b), topicMixtureLogProbs(tf.reverse(a, 0), tf.reverse(b, 1))]).dataSync(), 1e-5, 1e-5);
        });
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it("draws multinomial counts summing to the library; validation names counts of the wrong total", () => {
    setSeed(1);
    const [draws, totals] = tf.tidy(() => {
      const d = new BagOfWords(tf.tensor1d([5, 40]), tf.log(tf.tensor2d([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])));
      const s = d.sample([7]);
      return [s, tf.sum(s, -1)];
    });
    expect(draws!.shape).toEqual([7, 2, 3]);
    expect(Array.from(totals!.dataSync())).toEqual(Array.from({ length: 14 }, (_, i) => (i % 2 ? 40 : 5)));
    tf.dispose([draws!, totals!]);
    expect(() => tf.tidy(() => new BagOfWords(tf.tensor1d([3]), tf.zeros([1, 3])).logProb(tf.tensor2d([[1, 1, 2]])))).toThrow(/BagOfWords.*support/);
  });
});

describe("AmortizedLDAPyroModule", () => {
  it("the model's log-joint at given latents matches the reference (priors, subsampled cell plate, likelihood)", () => {
    const j = fixture.joint;
    const module = new AmortizedLDAPyroModule({
      nInput: j.x[0]!.length,
      nTopics: j.cellTopicPrior.length,
      cellTopicPrior: j.cellTopicPrior,
      topicFeaturePrior: j.topicFeaturePrior,
    });
    const values = tf.tidy(() => {
      const conditioned = condition((x: tf.Tensor, nObs?: number) => module.model(x, nObs), {
        [AMORTIZED_LDA_SITES.topicFeature]: tf.tensor2d(j.logTopicFeatureDist),
        [AMORTIZED_LDA_SITES.cellTopic]: tf.tensor2d(j.logCellTopicDist),
      });
      const tr = trace(conditioned).getTrace(tf.tensor2d(j.x), j.nObs);
      const site = (name: string) => tf.sum(tr.scaledLogProb(tr.nodes.get(name)!));
      return tf.stack([
        site(AMORTIZED_LDA_SITES.topicFeature),
        site(AMORTIZED_LDA_SITES.cellTopic),
        site(AMORTIZED_LDA_SITES.counts),
        tr.logProbSum(),
      ]);
    });
    closeTo(values.dataSync(), [j.topicFeatureLogProb, j.cellTopicLogProb, j.featureCountsLogProb, j.logJoint], 1e-3, 1e-5);
    values.dispose();
    module.dispose();
  });

  it("has a 'cells' plate holding the cell-topic logits, and creates its params in the current store only", () => {
    const module = new AmortizedLDAPyroModule({ nInput: 6, nTopics: 3, nHidden: 8 });
    const store = new ParamStore();
    const defaultBefore = getParamStore().names().length;
    const x = tf.tensor2d([
      [1, 0, 3, 0, 2, 1],
      [0, 4, 0, 1, 0, 0],
    ]);
    const vars = withParamStore(store, () => module.listObsPlateVars({ [REGISTRY_KEYS.X_KEY]: x }));
    expect(vars).toEqual({ name: "cells", in: [AMORTIZED_LDA_SITES.cellTopic], sites: { [AMORTIZED_LDA_SITES.cellTopic]: [3] } });
    expect(store.has(AMORTIZED_LDA_SITES.topicFeatureMu)).toBe(true);
    expect(store.constraintOf(AMORTIZED_LDA_SITES.topicFeatureSigma).name).toBe("positive");
    expect(store.getUnconstrained(AMORTIZED_LDA_SITES.topicFeatureMu).shape).toEqual([3, 6]);
    expect(getParamStore().names().length).toBe(defaultBefore);
    x.dispose();
    store.clear();
    module.dispose();
  });

  it("validates topics and priors, naming the argument", () => {
    expect(() => new AmortizedLDAPyroModule({ nInput: 5, nTopics: 1 })).toThrow(/nTopics/);
    expect(() => new AmortizedLDAPyroModule({ nInput: 5, nTopics: 3, cellTopicPrior: [1, 1] })).toThrow(/cellTopicPrior has 2 values.*3/);
    expect(() => new AmortizedLDAPyroModule({ nInput: 5, nTopics: 3, topicFeaturePrior: [1, 1] })).toThrow(/topicFeaturePrior has 2 values.*5/);
    expect(() => new AmortizedLDAPyroModule({ nInput: 5, nTopics: 3, cellTopicPrior: -1 })).toThrow(/positive/);
  });
});

describe("AmortizedLDA on planted topics", () => {
  const K = 4;
  const G = 40;
  const N = 400;
  const LR = 0.05;
  let planted: Planted;
  let model: AmortizedLDA;
  let early: { elbo: number; perplexity: number };
  let epochTensorCounts: number[] = [];

  beforeAll(async () => {
    planted = plantedTopics(N, G, K, 7);
    AmortizedLDA.setupAnndata(planted.adata);
    setSeed(3);
    model = new AmortizedLDA(planted.adata, { nTopics: K, nHidden: 32 });
    await model.train({ maxEpochs: 1, seed: 1, enableProgressBar: false, lr: LR, planOptions: { nEpochsKlWarmup: 0 } });
    setSeed(5);
    early = { elbo: model.getElbo(), perplexity: model.getPerplexity() };
    epochTensorCounts = [];
    await model.train({
      maxEpochs: 60,
      seed: 2,
      enableProgressBar: false,
      lr: LR,
      planOptions: { nEpochsKlWarmup: 20 },
      callbacks: [{ onEpochEnd: () => void epochTensorCounts.push(tf.memory().numTensors) }],
    });
  });

  it("recovers the planted topics (matched by cosine similarity)", () => {
    setSeed(11);
    const fbt = model.getFeatureByTopic({ nSamples: 1000 });
    expect(fbt.shape).toEqual([G, K]);
    expect(fbt.rowNames).toEqual(planted.adata.varNames);
    expect(fbt.colNames).toEqual(["topic_0", "topic_1", "topic_2", "topic_3"]);
    for (let t = 0; t < K; t++) expect(Array.from({ length: G }, (_, j) => fbt.data[j * K + t]!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const { similarity } = matchTopics(fbt, planted.beta);
    console.log(`AmortizedLDA planted-topic cosine similarities: ${similarity.map((s) => s.toFixed(4)).join(", ")}`);
    for (const s of similarity) expect(s).toBeGreaterThan(0.97);
  });

  it("infers cell-topic proportions that correlate with the planted ones", () => {
    setSeed(12);
    const { match } = matchTopics(model.getFeatureByTopic({ nSamples: 1000 }), planted.beta);
    const rep = model.getLatentRepresentation({ nSamples: 500 });
    expect(rep.shape).toEqual([N, K]);
    expect(rep.rowNames).toEqual(planted.adata.obsNames);
    for (let i = 0; i < N; i++) expect(rep.data.subarray(i * K, (i + 1) * K).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const correlations = match.map((t, k) =>
      pearson(
        planted.theta.map((row) => row[k]!),
        Array.from({ length: N }, (_, i) => rep.data[i * K + t]!),
      ),
    );
    console.log(`AmortizedLDA cell-topic correlations with the planted proportions: ${correlations.map((c) => c.toFixed(4)).join(", ")}`);
    for (const c of correlations) expect(c).toBeGreaterThan(0.9);
  });

  it("raises the ELBO and lowers the perplexity with training, to near the planted parameters' perplexity", () => {
    setSeed(5);
    const elbo = model.getElbo();
    const perplexity = model.getPerplexity();
    console.log(
      `AmortizedLDA ELBO ${early.elbo.toFixed(1)} → ${elbo.toFixed(1)}; perplexity ${early.perplexity.toFixed(3)} → ${perplexity.toFixed(3)} ` +
        `(planted parameters: ${planted.truePerplexity.toFixed(3)})`,
    );
    expect(elbo).toBeGreaterThan(early.elbo);
    expect(perplexity).toBeLessThan(early.perplexity);
    expect(perplexity).toBeGreaterThan(planted.truePerplexity * 0.97);
    expect(perplexity).toBeLessThan(planted.truePerplexity * 1.12);
    const counts = (planted.adata.X as DenseMatrix).data.reduce((a, b) => a + b, 0);
    expect(perplexity).toBeCloseTo(Math.exp(-model.getElbo() / counts), 1);
  });

  it("keeps the live tensor count flat across epochs and post-inference calls", () => {
    expect(epochTensorCounts).toHaveLength(60);
    expect(epochTensorCounts[59]).toBe(epochTensorCounts[1]);
    const before = tf.memory().numTensors;
    model.getFeatureByTopic({ nSamples: 10 });
    model.getFeatureByTopic({ giveMean: false });
    model.getLatentRepresentation({ nSamples: 10, batchSize: 64 });
    model.getLatentRepresentation({ giveMean: false, indices: [3, 1] });
    model.getElbo({ batchSize: 100 });
    model.getPerplexity({ indices: [0, 5, 9] });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("selects cells by indices and reads other data with the same genes", () => {
    setSeed(20);
    const all = model.getLatentRepresentation({ giveMean: false });
    setSeed(20);
    const copy = plantedTopics(N, G, K, 7).adata;
    const again = model.getLatentRepresentation({ adata: copy, giveMean: false });
    expect(Array.from(again.data)).toEqual(Array.from(all.data));
    const sub = model.getLatentRepresentation({ indices: [10, 3, 7], nSamples: 4000 });
    expect(sub.rowNames).toEqual(["cell10", "cell3", "cell7"]);
    setSeed(21);
    const full = model.getLatentRepresentation({ nSamples: 4000 });
    [10, 3, 7].forEach((cell, r) => closeTo(sub.data.subarray(r * K, (r + 1) * K), full.data.subarray(cell * K, (cell + 1) * K), 0.02, 0));
  });

  it("save → load gives identical outputs", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "scvi-ts-lda-")), "model");
    await model.save(dir);
    const loaded = await AmortizedLDA.load(dir, { adata: planted.adata });
    expect(loaded.module.nTopics).toBe(K);
    const outputs = (m: AmortizedLDA) => {
      setSeed(30);
      return {
        topics: Array.from(m.getFeatureByTopic({ nSamples: 200 }).data),
        cells: Array.from(m.getLatentRepresentation({ nSamples: 50 }).data),
        elbo: m.getElbo(),
        perplexity: m.getPerplexity(),
      };
    };
    expect(outputs(loaded)).toEqual(outputs(model));
    expect(loaded.history).toEqual(model.history);
    loaded.module.dispose();
  });
});

describe("AmortizedLDA model class", () => {
  function small(): AnnData {
    return plantedTopics(40, 12, 3, 1).adata;
  }

  it("refuses post-inference before training, as scvi-tools", () => {
    const adata = small();
    AmortizedLDA.setupAnndata(adata);
    const model = new AmortizedLDA(adata, { nTopics: 3 });
    expect(() => model.getFeatureByTopic()).toThrow(/not trained/);
    expect(() => model.getElbo()).toThrow(/not trained/);
    model.module.dispose();
  });

  it("passes lr to Adam (default 1e-3), uses scvi-tools' Pyro epoch heuristic, and a counts layer", async () => {
    expect(pyroDefaultMaxEpochs(400)).toBe(1000);
    expect(pyroDefaultMaxEpochs(20000)).toBe(400);
    const adata = small();
    adata.layers.set("counts", adata.X!);
    AmortizedLDA.setupAnndata(adata, { layer: "counts" });
    const model = new AmortizedLDA(adata, { nTopics: 3, nHidden: 8, cellTopicPrior: [0.5, 0.5, 0.5], topicFeaturePrior: 0.2 });
    expect(model.module.topicFeaturePrior).toHaveLength(12);
    await model.train({ maxEpochs: 1, seed: 0, enableProgressBar: false });
    expect(model.history.lr).toEqual([1e-3]);
    await model.train({ maxEpochs: 1, seed: 0, enableProgressBar: false, lr: 0.02 });
    expect(model.history.lr).toEqual([0.02]);
    expect(model.summaryString).toMatch(/AmortizedLDA model with nTopics: 3/);
    const other = plantedTopics(10, 9, 3, 2).adata;
    AmortizedLDA.setupAnndata(other);
    expect(() => model.getLatentRepresentation({ adata: other })).toThrow(/9 genes, the model 12/);
    expect(() => model.getLatentRepresentation({ adata: plantedTopics(10, 9, 3, 2).adata })).toThrow(/9 genes/);
    model.module.dispose();
  });
});
