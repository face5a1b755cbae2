import { describe, expect, it } from "vitest";
import { batchMixingEntropy } from "../../../src/scvi/metrics/batch-entropy.js";
import { nearestNeighbors } from "../../../src/scvi/metrics/knn.js";
import { Rng } from "../helpers/synthetic-counts.js";
import { fixture } from "./fixture.js";

describe("batchMixingEntropy", () => {
  it.each(fixture.batchEntropy.map((c) => [c.name, c] as const))("matches cKDTree + scipy.stats.entropy (%s)", (_n, c) => {
    const points = { shape: c.shape, data: c.points };
    expect(batchMixingEntropy(points, c.batches, { k: c.k, normalize: false })).toBeCloseTo(c.entropy, 12);
    expect(batchMixingEntropy(points, c.batches, { k: c.k })).toBeCloseTo(c.normalized, 12);
  });

  it("is high for mixed batches and low for separated ones", () => {
    const rng = new Rng(3);
    const n = 200;
    const batches = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? "a" : "b"));
    const embed = (shift: number) => {
      const data = new Float64Array(n * 2);
      for (let i = 0; i < n; i++) {
        data[2 * i] = rng.normal() + (batches[i] === "b" ? shift : 0);
        data[2 * i + 1] = rng.normal();
      }
      return { shape: [n, 2] as [number, number], data };
    };
    const mixed = batchMixingEntropy(embed(0), batches, { k: 20 });
    const separated = batchMixingEntropy(embed(8), batches, { k: 20 });
    expect(mixed).toBeGreaterThan(0.85);
    expect(separated).toBeLessThan(0.05);
  });

  it("rejects a single batch and mismatched lengths", () => {
    const points = { shape: [3, 1] as [number, number], data: [0, 1, 2] };
    expect(() => batchMixingEntropy(points, ["a", "a", "a"], { k: 1 })).toThrow(/at least two batches/);
    expect(() => batchMixingEntropy(points, ["a", "b"], { k: 1 })).toThrow(/3 rows but 2 batch labels/);
  });
});

describe("nearestNeighbors", () => {
  it("finds the nearest other rows, nearest first, ties to the lower index", () => {
    const nn = nearestNeighbors({ shape: [5, 1], data: [0, 1, 3, 6, 10] }, 2);
    expect(Array.from(nn)).toEqual([1, 2, 0, 2, 1, 0, 2, 4, 3, 2]);
    const tie = nearestNeighbors({ shape: [3, 1], data: [0, -1, 1] }, 1);
    expect(tie[0]).toBe(1);
    expect(() => nearestNeighbors({ shape: [2, 1], data: [0, 1] }, 2)).toThrow(/k must be an integer in 1\.\.1/);
  });
});
