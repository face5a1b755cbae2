/**
 * Shape laws for every distribution family exported from src/distributions/index.ts:
 *
 *   sample(s).shape        = s + batchShape + eventShape   (and rsample, where available)
 *   logProb(sample(s)).shape = s + batchShape
 *   expand([2, ...batch])  broadcasts: its logProb is the original's, broadcast
 *   toEvent(n)             moves the n rightmost batch dims to the event and sums logProb over them
 *   mask(m)                keeps every shape and zeroes logProb where m is false
 *   mean / variance        batchShape + eventShape, entropy batchShape (where defined)
 *   enumerateSupport()     [n] + batchShape + eventShape (where defined)
 *
 * To add a family: add a factory to `factories` below, keyed by its export name. The first test
 * fails, naming the family, when an exported family has no factory.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as dists from "../../src/distributions/index.js";
import { Distribution } from "../../src/distributions/index.js";
import { expectClose } from "./structural-helpers.js";

/* eslint-disable @typescript-eslint/no-explicit-any */
type Ctor = new (...args: any[]) => Distribution;
/** Builds an instance of the family with the given batch shape. */
type Factory = (C: Ctor, batch: number[]) => Distribution;

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** Distinct values in [lo, hi] of the given shape. */
const vals = (shape: number[], lo: number, hi: number): tf.Tensor => {
  const n = sizeOf(shape);
  return n === 1 ? tf.fill(shape, (lo + hi) / 2) : tf.linspace(lo, hi, n).reshape(shape);
};
const normal = (batch: number[]) => new dists.Normal(vals(batch, -1, 1), vals(batch, 0.5, 2));

const factories: Record<string, Factory> = {
  Normal: (C, b) => new C(vals(b, -1, 1), vals(b, 0.5, 2)),
  LogNormal: (C, b) => new C(vals(b, -1, 1), vals(b, 0.3, 1)),
  HalfNormal: (C, b) => new C(vals(b, 0.5, 2)),
  Exponential: (C, b) => new C(vals(b, 0.5, 2)),
  Uniform: (C, b) => new C(vals(b, -1, 0), vals(b, 1, 2)),
  Laplace: (C, b) => new C(vals(b, -1, 1), vals(b, 0.5, 2)),
  StudentT: (C, b) => new C(vals(b, 2, 6), vals(b, -1, 1), vals(b, 0.5, 2)),
  Gamma: (C, b) => new C(vals(b, 0.5, 4), vals(b, 0.5, 2)),
  Beta: (C, b) => new C(vals(b, 0.5, 4), vals(b, 0.5, 3)),
  Dirichlet: (C, b) => new C(vals([...b, 3], 0.5, 3)),
  Bernoulli: (C, b) => new C({ probs: vals(b, 0.1, 0.9) }),
  Binomial: (C, b) => new C({ totalCount: 5, probs: vals(b, 0.1, 0.9) }),
  Categorical: (C, b) => new C({ probs: tf.softmax(vals([...b, 3], -1, 1)) }),
  OneHotCategorical: (C, b) => new C({ probs: tf.softmax(vals([...b, 3], -1, 1)) }),
  Multinomial: (C, b) => new C({ totalCount: 4, probs: tf.softmax(vals([...b, 3], -1, 1)) }),
  Poisson: (C, b) => new C(vals(b, 0.5, 5)),
  GammaPoisson: (C, b) => new C(vals(b, 0.5, 4), vals(b, 0.5, 2)),
  NegativeBinomial: (C, b) => new C({ mu: vals(b, 0.5, 5), theta: vals(b, 0.5, 3) }),
  ZeroInflatedPoisson: (C, b) => new C(vals(b, 0.5, 5), { gate: vals(b, 0.1, 0.6) }),
  ZeroInflatedNegativeBinomial: (C, b) => new C({ mu: vals(b, 0.5, 5), theta: vals(b, 0.5, 3), ziLogits: vals(b, -1, 1) }),
  Delta: (C, b) => new C(vals([...b, 2], -1, 1), { eventDim: 1 }),
  MultivariateNormal: (C, b) => new C(vals([...b, 2], -1, 1), { scaleTril: tf.tensor2d([[1, 0], [0.5, 2]]) }),
  LowRankMultivariateNormal: (C, b) => new C(vals([...b, 3], -1, 1), vals([...b, 3, 1], -1, 1), vals([...b, 3], 0.5, 2)),
  Independent: (C, b) => new C(normal([...b, 2]), 1),
  ExpandedDistribution: (C, b) => new C(normal(b.map(() => 1)), b),
  MaskedDistribution: (C, b) => new C(normal(b), tf.tensor(Array.from({ length: sizeOf(b) }, (_, i) => i % 2 === 0), b, "bool")),
  TransformedDistribution: (C, b) => new C(normal(b), [new dists.ExpTransform()]),
};

/** Every `Distribution` subclass exported from the index. */
const exported = Object.entries(dists).filter(
  ([, v]) => typeof v === "function" && v.prototype instanceof Distribution,
) as [string, Ctor][];

const batchArb = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 });
const sampleArb = fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 });

function tryGet(f: () => tf.Tensor): tf.Tensor | undefined {
  try {
    return f();
  } catch (err) {
    if (/has no (closed-form|finite support)|does not implement/.test((err as Error).message)) return undefined;
    throw err;
  }
}

describe("shape laws", () => {
  it("every exported family has a factory here", () => {
    const missing = exported.map(([name]) => name).filter((name) => !factories[name]);
    expect(missing, `add factories to tests/distributions/shape-laws.test.ts for: ${missing.join(", ")}`).toEqual([]);
  });

  for (const [name, C] of exported) {
    const make = factories[name];
    if (!make) continue;
    describe(name, () => {
      it("sample, rsample and logProb shapes", () => {
        fc.assert(
          fc.property(batchArb, sampleArb, (batch, s) => {
            tf.tidy(() => {
              const d = make(C, batch);
              expect(d.batchShape).toEqual(batch);
              const x = d.sample(s);
              expect(x.shape).toEqual([...s, ...batch, ...d.eventShape]);
              const lp = d.logProb(x);
              expect(lp.shape).toEqual([...s, ...batch]);
              expect(tf.any(tf.isNaN(lp)).dataSync()[0]).toBe(0);
              if (d.hasRsample) expect(d.rsample(s).shape).toEqual([...s, ...batch, ...d.eventShape]);
              const mean = tryGet(() => d.mean);
              if (mean) expect(mean.shape).toEqual([...batch, ...d.eventShape]);
              const variance = tryGet(() => d.variance);
              if (variance) expect(variance.shape).toEqual([...batch, ...d.eventShape]);
              const h = tryGet(() => d.entropy());
              if (h) expect(h.shape).toEqual(batch);
              if (d.hasEnumerateSupport) {
                const xs = d.enumerateSupport();
                expect(xs.shape.slice(1)).toEqual([...batch, ...d.eventShape]);
                expect(d.enumerateSupport(false).shape.slice(1)).toEqual([...batch.map(() => 1), ...d.eventShape]);
                expect(d.logProb(xs).shape).toEqual([xs.shape[0]!, ...batch]);
              }
            });
          }),
          { seed: 42, numRuns: 8 },
        );
      });

      it("expand broadcasts", () => {
        fc.assert(
          fc.property(batchArb, sampleArb, (batch, s) => {
            tf.tidy(() => {
              const d = make(C, batch);
              const e = d.expand([2, ...batch]);
              expect(e.batchShape).toEqual([2, ...batch]);
              expect(e.eventShape).toEqual(d.eventShape);
              expect(e.sample(s).shape).toEqual([...s, 2, ...batch, ...d.eventShape]);
              // the original's sample with a size-1 slot for the new dim: logProb broadcasts
              const x = d.sample(s);
              const x1 = x.reshape([...s, 1, ...batch, ...d.eventShape]);
              const want = tf.broadcastTo(d.logProb(x).reshape([...s, 1, ...batch]), [...s, 2, ...batch]);
              expectClose(e.logProb(x1), want, 1e-5, 1e-5);
            });
          }),
          { seed: 42, numRuns: 8 },
        );
      });

      it("toEvent moves batch dims to the event and sums logProb over them", () => {
        fc.assert(
          fc.property(batchArb, sampleArb, fc.nat(2), (batch, s, k) => {
            const n = Math.min(k, batch.length);
            tf.tidy(() => {
              const d = make(C, batch);
              const cut = batch.length - n;
              const e = d.toEvent(n);
              expect(e.batchShape).toEqual(batch.slice(0, cut));
              expect(e.eventShape).toEqual([...batch.slice(cut), ...d.eventShape]);
              const x = d.sample(s);
              const lp = d.logProb(x);
              const axes = Array.from({ length: n }, (_, i) => lp.rank - 1 - i);
              expectClose(e.logProb(x), n === 0 ? lp : tf.sum(lp, axes), 1e-5, 1e-4);
              expect(e.sample(s).shape).toEqual(x.shape);
            });
          }),
          { seed: 42, numRuns: 8 },
        );
      });

      it("mask keeps shapes and zeroes logProb where false", () => {
        fc.assert(
          fc.property(batchArb, sampleArb, fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }), (batch, s, bits) => {
            tf.tidy(() => {
              const d = make(C, batch);
              const m = tf.tensor(bits.slice(0, sizeOf(batch)), batch, "bool");
              const masked = d.mask(m);
              expect(masked.batchShape).toEqual(batch);
              expect(masked.eventShape).toEqual(d.eventShape);
              const x = d.sample(s);
              expect(masked.sample(s).shape).toEqual(x.shape);
              const lp = masked.logProb(x);
              expect(lp.shape).toEqual([...s, ...batch]);
              expectClose(lp, tf.where(tf.broadcastTo(m, lp.shape), d.logProb(x), tf.zerosLike(lp)), 1e-6, 1e-6);
            });
          }),
          { seed: 42, numRuns: 8 },
        );
      });
    });
  }
});
