/**
 * KL registry: closed forms against torch.distributions.kl_divergence, against Monte Carlo
 * estimates, KL(p, p) = 0 and KL ≥ 0 as fast-check properties, dispatch and errors.
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import { Bernoulli } from "../../src/distributions/bernoulli.js";
import { Beta } from "../../src/distributions/beta.js";
import { Categorical } from "../../src/distributions/categorical.js";
import { Delta } from "../../src/distributions/delta.js";
import { Dirichlet } from "../../src/distributions/dirichlet.js";
import type { Distribution } from "../../src/distributions/distribution.js";
import { ExpandedDistribution } from "../../src/distributions/expanded.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Independent } from "../../src/distributions/independent.js";
import { klDivergence, registerKL, registeredKLPairs } from "../../src/distributions/kl/index.js";
import { LogNormal } from "../../src/distributions/log-normal.js";
import { MultivariateNormal } from "../../src/distributions/multivariate-normal.js";
import { Normal } from "../../src/distributions/normal.js";
import { expectClose, expectNoLeak, fixture, t } from "./structural-helpers.js";

type Params = Record<string, number[] | number[][] | number[][][]>;

/** Builds a distribution of each family from torch-named parameters. */
const build: Record<string, (a: Params) => Distribution> = {
  Normal: (a) => new Normal(t(a.loc!), t(a.scale!)),
  LogNormal: (a) => new LogNormal(t(a.loc!), t(a.scale!)),
  Gamma: (a) => new Gamma(t(a.concentration!), t(a.rate!)),
  Beta: (a) => new Beta(t(a.concentration1!), t(a.concentration0!)),
  Dirichlet: (a) => new Dirichlet(t(a.concentration!)),
  Bernoulli: (a) => new Bernoulli({ probs: t(a.probs!) }),
  Categorical: (a) => new Categorical({ probs: t(a.probs!), validateArgs: false }),
  MultivariateNormal: (a) => new MultivariateNormal(t(a.loc!), { scaleTril: t(a.scale_tril!) }),
  IndependentNormal: (a) => new Independent(new Normal(t(a.loc!), t(a.scale!)), 1),
};

describe("klDivergence against torch.distributions.kl_divergence", () => {
  for (const c of fixture.kl) {
    it(c.family, () => {
      tf.tidy(() => {
        const make = build[c.family]!;
        expectClose(klDivergence(make(c.p as Params), make(c.q as Params)), c.kl, 2e-4, 2e-5);
      });
    });
  }
});

describe("klDivergence against Monte Carlo (continuous) and enumeration (discrete)", () => {
  for (const c of fixture.kl) {
    it(`${c.family}: E_p[log p - log q]`, () => {
      setSeed(123);
      tf.tidy(() => {
        const p = build[c.family]!(c.p as Params);
        const q = build[c.family]!(c.q as Params);
        const kl = klDivergence(p, q);
        const pe = p.expand(kl.shape);
        if (pe.hasEnumerateSupport) {
          // exact: Σ_x p(x) (log p(x) - log q(x)) over the finite support
          const xs = pe.enumerateSupport(); // [n, ...batch]
          const lp = pe.logProb(xs);
          const exact = tf.sum(tf.mul(tf.exp(lp), tf.sub(lp, q.logProb(xs))), 0);
          expectClose(kl, exact, 1e-4, 1e-5);
          return;
        }
        const S = 3000;
        const x = pe.sample([S]);
        const diff = tf.sub(p.logProb(x), q.logProb(x)); // [S, ...batch]
        const mc = tf.mean(diff, 0);
        const se = tf.div(tf.sqrt(tf.moments(diff, 0).variance), Math.sqrt(S));
        const err = tf.abs(tf.sub(broadcast(kl, mc.shape), mc));
        const ok = tf.lessEqual(err, tf.add(tf.mul(5, se), 1e-4));
        if (!tf.all(ok).dataSync()[0]) {
          throw new Error(`analytic ${kl.dataSync().join(", ")} vs MC ${mc.dataSync().join(", ")} ± ${se.dataSync().join(", ")}`);
        }
      });
    });
  }
});

function broadcast(x: tf.Tensor, shape: number[]): tf.Tensor {
  return tf.broadcastTo(x, shape);
}

/** Random-parameter families for the properties (each builds a batch of 3). */
const pos = (min: number, max: number, n: number) => fc.array(fc.double({ min, max, noNaN: true }), { minLength: n, maxLength: n });
const families: { name: string; arb: fc.Arbitrary<() => Distribution> }[] = [
  { name: "Normal", arb: fc.tuple(pos(-3, 3, 3), pos(0.1, 3, 3)).map(([l, s]) => () => new Normal(l, s)) },
  { name: "LogNormal", arb: fc.tuple(pos(-3, 3, 3), pos(0.1, 3, 3)).map(([l, s]) => () => new LogNormal(l, s)) },
  { name: "Gamma", arb: fc.tuple(pos(0.2, 10, 3), pos(0.2, 5, 3)).map(([a, b]) => () => new Gamma(a, b)) },
  { name: "Beta", arb: fc.tuple(pos(0.2, 10, 3), pos(0.2, 10, 3)).map(([a, b]) => () => new Beta(a, b)) },
  { name: "Dirichlet", arb: pos(0.2, 8, 12).map((a) => () => new Dirichlet(tf.tensor2d(a, [3, 4]))) },
  { name: "Bernoulli", arb: pos(0.01, 0.99, 3).map((p) => () => new Bernoulli({ probs: p })) },
  {
    name: "Categorical",
    arb: pos(0.01, 1, 12).map((w) => () => new Categorical({ probs: tf.tensor2d(w, [3, 4]), validateArgs: false })),
  },
  {
    name: "MultivariateNormal",
    arb: fc.tuple(pos(-2, 2, 9), pos(-1, 1, 3), pos(0.2, 2, 3)).map(([loc, off, diag]) => () => {
      const l = tf.tensor2d([diag[0]!, 0, 0, off[0]!, diag[1]!, 0, off[1]!, off[2]!, diag[2]!], [3, 3]);
      return new MultivariateNormal(tf.tensor2d(loc, [3, 3]), { scaleTril: l });
    }),
  },
  {
    name: "Independent(Normal, 1)",
    arb: fc.tuple(pos(-3, 3, 6), pos(0.1, 3, 6)).map(([l, s]) => () => new Independent(new Normal(tf.tensor2d(l, [3, 2]), tf.tensor2d(s, [3, 2])), 1)),
  },
];

describe("klDivergence properties", () => {
  for (const f of families) {
    it(`${f.name}: KL(p, p) = 0 and KL(p, q) >= 0`, () => {
      fc.assert(
        fc.property(f.arb, f.arb, (mp, mq) => {
          tf.tidy(() => {
            const p = mp();
            const q = mq();
            const self = klDivergence(p, p);
            expect(self.shape).toEqual([3]);
            expectClose(self, tf.zeros([3]), 0, 2e-4);
            const kl = klDivergence(p, q);
            expect(kl.shape).toEqual([3]);
            const min = tf.min(kl).dataSync()[0]!;
            expect(min).toBeGreaterThanOrEqual(-2e-4);
            expect(Number.isNaN(min)).toBe(false);
          });
        }),
        { seed: 42, numRuns: 30 },
      );
    });
  }
});

describe("klDivergence of wrapped distributions", () => {
  it("Independent sums the elementwise KL over its reinterpreted dims, also against unwrapped q", () => {
    tf.tidy(() => {
      const a = new Normal(tf.tensor2d([0, 1, 2, 3, 4, 5], [2, 3]), 1);
      const b = new Normal(tf.tensor2d([1, 1, 1, 1, 1, 1], [2, 3]), 2);
      const elementwise = klDivergence(a, b);
      expectClose(klDivergence(a.toEvent(1), b.toEvent(1)), tf.sum(elementwise, 1), 1e-5, 1e-5);
      expectClose(klDivergence(a.toEvent(2), b.toEvent(2)), tf.sum(elementwise), 1e-5, 1e-5);
      // p's events cover q's batch dims: the KL has p's batch shape
      expectClose(klDivergence(a.toEvent(2), b.toEvent(1)), tf.sum(elementwise), 1e-5, 1e-5);
      expectClose(klDivergence(a.toEvent(1), b), tf.sum(elementwise, 1), 1e-5, 1e-5);
      expectClose(klDivergence(a, b.toEvent(1)), tf.sum(elementwise, 1), 1e-5, 1e-5);
    });
  });

  it("Independent(Normal, 1) against a MultivariateNormal is the diagonal MVN's KL", () => {
    setSeed(9);
    tf.tidy(() => {
      const c = fixture.kl.find((k) => k.family === "MultivariateNormal")!;
      const q = build.MultivariateNormal!(c.q as Params);
      const loc = tf.tensor2d([0.5, -1, 0.2, 1, 0, -0.5], [2, 3]);
      const scale = tf.tensor2d([0.7, 1.2, 0.4, 1, 2, 0.5], [2, 3]);
      const p = new Independent(new Normal(loc, scale), 1);
      const kl = klDivergence(p, q);
      expect(kl.shape).toEqual([2]);
      const diag = new MultivariateNormal(loc, { scaleTril: tf.mul(tf.expandDims(scale, -1), tf.eye(3)) });
      expectClose(kl, klDivergence(diag, q), 1e-5, 1e-5);
      const S = 3000;
      const x = p.sample([S]);
      const diff = tf.sub(p.logProb(x), q.logProb(x));
      const se = tf.div(tf.sqrt(tf.moments(diff, 0).variance), Math.sqrt(S));
      const err = tf.abs(tf.sub(tf.mean(diff, 0), kl));
      expect(tf.all(tf.lessEqual(err, tf.add(tf.mul(5, se), 1e-4))).dataSync()[0]).toBe(1);
    });
  });

  it("Expanded distributions have the broadcast KL of their bases", () => {
    tf.tidy(() => {
      const p = new Normal(tf.tensor1d([0, 1]), 1);
      const q = new Normal(0.5, 2);
      const base = klDivergence(p, q);
      const both = klDivergence(new ExpandedDistribution(p, [4, 2]), new ExpandedDistribution(q, [4, 2]));
      expect(both.shape).toEqual([4, 2]);
      expectClose(both, tf.broadcastTo(base, [4, 2]));
      expectClose(klDivergence(new ExpandedDistribution(p, [3, 2]), q), tf.broadcastTo(base, [3, 2]));
      expectClose(klDivergence(p, new ExpandedDistribution(q, [3, 2])), tf.broadcastTo(base, [3, 2]));
    });
  });

  it("Masked distributions give the KL where both masks hold and 0 elsewhere", () => {
    tf.tidy(() => {
      const p = new Normal(tf.tensor1d([0, 1, 2]), 1);
      const q = new Normal(tf.tensor1d([1, 1, 1]), 2);
      const base = klDivergence(p, q);
      const m1 = tf.tensor1d([1, 1, 0], "bool");
      const m2 = tf.tensor1d([0, 1, 1], "bool");
      expectClose(klDivergence(p.mask(m1), q.mask(m2)), tf.mul(base, tf.tensor1d([0, 1, 0])));
      expectClose(klDivergence(p.mask(true), q.mask(m2)), tf.mul(base, tf.tensor1d([0, 1, 1])));
      expectClose(klDivergence(p.mask(false), q.mask(true)), [0, 0, 0]);
    });
  });
});

describe("klDivergence dispatch", () => {
  it("throws for a missing pair, listing the registered pairs", () => {
    const p = new Normal(0, 1);
    const q = new Gamma(1, 1);
    expect(() => klDivergence(p, q)).toThrow(/no KL divergence is registered for \(Normal, Gamma\)/);
    expect(() => klDivergence(p, q)).toThrow(/Normal‖Normal/);
    expect(() => klDivergence(p, q)).toThrow(/Gamma‖Gamma/);
    expect(registeredKLPairs()).toContainEqual(["MultivariateNormal", "MultivariateNormal"]);
  });

  it("follows inheritance and prefers the most specific registration", () => {
    class WideNormal extends Normal {}
    class WiderNormal extends WideNormal {}
    tf.tidy(() => {
      const p = new WiderNormal(0, 1);
      const q = new Normal(1, 1);
      // inherited: Normal‖Normal applies to subclasses
      expectClose(klDivergence(p, q), 0.5);
      registerKL(WideNormal, Normal, () => tf.scalar(-7));
      expectClose(klDivergence(p, q), -7);
      // the exact pair beats the inherited one; unrelated pairs keep theirs
      registerKL(WiderNormal, Normal, () => tf.scalar(-9));
      expectClose(klDivergence(p, q), -9);
      expectClose(klDivergence(new WideNormal(0, 1), q), -7);
      expectClose(klDivergence(q, q), 0);
    });
  });

  it("KL(Delta ‖ q) = -q.logProb(v) for any q, as in Pyro", () => {
    tf.tidy(() => {
      const v = tf.tensor1d([0.5, -1, 2]);
      const q = new Normal(tf.tensor1d([0, 1, 2]), 2);
      expectClose(klDivergence(new Delta(v), q), tf.neg(q.logProb(v)));
      const g = new Gamma(2, 3);
      expectClose(klDivergence(new Delta(tf.tensor1d([0.5, 1])), g), tf.neg(g.logProb(tf.tensor1d([0.5, 1]))));
      // event dims: an MVN scores whole vectors
      const mvn = new MultivariateNormal(tf.zeros([3]), { scaleTril: tf.eye(3) });
      const kl = klDivergence(new Delta(v, { eventDim: 1 }), mvn);
      expect(kl.shape).toEqual([]);
      expectClose(kl, tf.neg(mvn.logProb(v)));
    });
  });

  it("does not leak tensors", () => {
    expectNoLeak(() => {
      for (const c of fixture.kl) klDivergence(build[c.family]!(c.p as Params), build[c.family]!(c.q as Params));
    });
  });
});
