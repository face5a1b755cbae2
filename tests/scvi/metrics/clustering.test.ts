import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adjustedRandIndex } from "../../../src/scvi/metrics/ari.js";
import { mutualInfo, normalizedMutualInfo } from "../../../src/scvi/metrics/nmi.js";
import { contingencyTable } from "../../../src/scvi/metrics/labels.js";
import { fixture } from "./fixture.js";

describe("ARI and NMI against SciPy-built references", () => {
  it.each(fixture.labels.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    expect(adjustedRandIndex(c.true, c.pred)).toBeCloseTo(c.ari, 12);
    expect(normalizedMutualInfo(c.true, c.pred)).toBeCloseTo(c.nmi, 12);
    expect(mutualInfo(c.true, c.pred)).toBeCloseTo(c.mi, 12);
  });

  it("gives scikit-learn's documented values", () => {
    expect(adjustedRandIndex([0, 0, 1, 2], [0, 0, 1, 1])).toBeCloseTo(0.5714285714285715, 14);
    expect(adjustedRandIndex([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 14);
    expect(adjustedRandIndex([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
    expect(normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0])).toBe(1);
    expect(normalizedMutualInfo([0, 0, 0, 0], [0, 1, 2, 3])).toBe(0);
  });

  it("hand-checked: one cell moved between two clusters of three", () => {
    // true {0,1,2}{3,4,5}, pred {0,1}{2,3,4,5}: contingency [[2,1],[0,3]].
    // Pairs: Σ C(nij,2) = 1 + 3 = 4; rows 3 + 3 = 6; cols 1 + 6 = 7; C(6,2) = 15.
    // ARI = (4 − 6·7/15) / ((6 + 7)/2 − 6·7/15) = 1.2 / 3.7.
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1])).toBeCloseTo(1.2 / 3.7, 14);
    // MI = Σ pij ln(pij / (pi pj)) = 2/6 ln(2·6/(3·2)) + 1/6 ln(1·6/(3·4)) + 3/6 ln(3·6/(3·4)).
    const mi = (2 / 6) * Math.log(2) + (1 / 6) * Math.log(0.5) + (3 / 6) * Math.log(1.5);
    const hTrue = Math.log(2);
    const hPred = -(2 / 6) * Math.log(2 / 6) - (4 / 6) * Math.log(4 / 6);
    expect(mutualInfo([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1])).toBeCloseTo(mi, 14);
    expect(normalizedMutualInfo([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1])).toBeCloseTo(mi / ((hTrue + hPred) / 2), 14);
    expect(normalizedMutualInfo([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1], "min")).toBeCloseTo(mi / Math.min(hTrue, hPred), 14);
    expect(normalizedMutualInfo([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 1, 1], "geometric")).toBeCloseTo(mi / Math.sqrt(hTrue * hPred), 14);
  });

  it("builds the contingency table and rejects labellings of different lengths", () => {
    const c = contingencyTable(["a", "b", "a"], [1, 1, 2]);
    expect([c.nTrue, c.nPred, c.n]).toEqual([2, 2, 3]);
    expect(Array.from(c.table)).toEqual([1, 1, 1, 0]);
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(/labelsTrue has 2 entries, labelsPred has 1/);
  });
});

describe("ARI and NMI (properties)", () => {
  const labellings = fc
    .integer({ min: 2, max: 40 })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }).map((p) => [...new Set([...p, 0, 1, 2, 3, 4, 5])]),
      ),
    );

  it("are symmetric, invariant to renaming clusters, bounded, and 1 on a labelling with itself", () => {
    fc.assert(
      fc.property(labellings, ([a, b, perm]) => {
        const renamed = b.map((v) => `c${perm[v]}`);
        const ari = adjustedRandIndex(a, b);
        const nmi = normalizedMutualInfo(a, b);
        expect(adjustedRandIndex(b, a)).toBeCloseTo(ari, 12);
        expect(normalizedMutualInfo(b, a)).toBeCloseTo(nmi, 12);
        expect(adjustedRandIndex(a, renamed)).toBeCloseTo(ari, 12);
        expect(normalizedMutualInfo(a, renamed)).toBeCloseTo(nmi, 12);
        expect(ari).toBeLessThanOrEqual(1 + 1e-12);
        expect(nmi).toBeGreaterThanOrEqual(0);
        expect(nmi).toBeLessThanOrEqual(1 + 1e-12);
        expect(adjustedRandIndex(a, a)).toBe(1);
        expect(normalizedMutualInfo(a, a)).toBeCloseTo(1, 12);
      }),
      { seed: 42, numRuns: 200 },
    );
  });
});
