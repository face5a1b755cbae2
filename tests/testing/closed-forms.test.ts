import { describe, it, expect } from "vitest";
import fc from "fast-check";
import fixtures from "../fixtures/inference_kit.json" with { type: "json" };
import {
  normalNormalCase,
  gammaPoissonCase,
  betaBernoulliCase,
  localNormalCase,
  lgamma64,
  digamma64,
  arbConjugateCase,
  arbLocalNormal,
  analyticLossGradient,
  type ConjugateCase,
} from "../../src/testing/index.js";

const close = (a: number, b: number, tol: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * (1 + Math.abs(b)));

describe("float64 special functions", () => {
  it("lgamma64 and digamma64 match scipy", () => {
    for (const { x, value } of fixtures.lgamma) close(lgamma64(x), value, 1e-13);
    for (const { x, value } of fixtures.digamma) close(digamma64(x), value, 1e-11);
  });
});

type Expected = { logEvidence: number; posteriorMean: number; posteriorSd: number; kl: number; posterior: Record<string, number> };

function checkAgainstFixture(c: ConjugateCase, guide: Record<string, number>, expected: Expected): void {
  // The case builds the same guide params from its shift inputs.
  for (const [k, v] of Object.entries(guide)) expect(c.guideInit[k]).toBe(v);
  close(c.logEvidence, expected.logEvidence, 1e-9);
  close(c.posteriorMean, expected.posteriorMean, 1e-9);
  close(c.posteriorSd, expected.posteriorSd, 1e-8);
  for (const [k, v] of Object.entries(expected.posterior)) close(c.posterior[k]!, v, 1e-9);
  expect(Math.abs(c.klToPosterior(c.guideInit) - expected.kl)).toBeLessThan(1e-9);
  expect(Math.abs(c.klToPosterior(c.posterior))).toBeLessThan(1e-12);
}

describe("conjugate cases against scipy quadrature and torch KL", () => {
  it("Normal–Normal", () => {
    for (const { inputs, expected } of fixtures.normalNormal) {
      close(expected.logEvidence, expected.logEvidenceMvn, 1e-12);
      checkAgainstFixture(normalNormalCase(inputs), inputs.guide, expected);
    }
  });
  it("Gamma–Poisson", () => {
    for (const { inputs, expected } of fixtures.gammaPoisson) checkAgainstFixture(gammaPoissonCase(inputs), inputs.guide, expected);
  });
  it("Beta–Bernoulli", () => {
    for (const { inputs, expected } of fixtures.betaBernoulli) checkAgainstFixture(betaBernoulliCase(inputs), inputs.guide, expected);
  });
  it("local-latent Normal", () => {
    const { inputs, expected } = fixtures.localNormal;
    const c = localNormalCase(inputs);
    close(c.logEvidence, expected.logEvidence, 1e-12);
    close(c.expectedElbo, expected.expectedElbo, 1e-9);
  });
  it("rejects data outside the likelihood's support", () => {
    const g = fixtures.gammaPoisson[0]!.inputs;
    expect(() => gammaPoissonCase({ ...g, data: [1.5] })).toThrow(/non-negative integers/);
    const b = fixtures.betaBernoulli[0]!.inputs;
    expect(() => betaBernoulliCase({ ...b, data: [2] })).toThrow(/0 or 1/);
  });
});

describe("arbitraries", () => {
  it("generate cases with finite evidence, KL ≥ 0 (0 at the posterior) and a zero loss gradient at the posterior", () => {
    fc.assert(
      fc.property(arbConjugateCase(), (c) => {
        expect(Number.isFinite(c.logEvidence)).toBe(true);
        expect(c.klToPosterior(c.guideInit)).toBeGreaterThanOrEqual(-1e-12);
        expect(Math.abs(c.klToPosterior(c.posterior))).toBeLessThan(1e-9);
        for (const g of analyticLossGradient(c, c.posterior)) expect(Math.abs(g)).toBeLessThan(1e-5);
        expect(String(c)).toContain(`seed ${c.seed}`);
        expect(c.data.every((x) => Math.fround(x) === x)).toBe(true);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
  it("analytic gradients match a finite difference of the KL in the constrained parametrisation", () => {
    const c = normalNormalCase(fixtures.normalNormal[0]!.inputs);
    const [gLoc, gLogScale] = analyticLossGradient(c);
    const m = c.guideInit["q.loc"]!;
    const s = c.guideInit["q.scale"]!;
    // d/dm KL = (m − μ)/σ²; d/dlog s KL = −1 + s²/σ².
    close(gLoc!, (m - c.posteriorMean) / c.posteriorSd ** 2, 1e-6);
    close(gLogScale!, -1 + (s * s) / c.posteriorSd ** 2, 1e-6);
  });
  it("generate local-latent cases whose expected ELBO is below the evidence", () => {
    fc.assert(
      fc.property(arbLocalNormal(), (c) => {
        expect(c.data.length).toBeGreaterThanOrEqual(2);
        expect(c.expectedElbo).toBeLessThanOrEqual(c.logEvidence + 1e-12);
      }),
      { seed: 42, numRuns: 100 },
    );
  });
});
