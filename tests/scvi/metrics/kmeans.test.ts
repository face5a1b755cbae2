import { describe, expect, it } from "vitest";
import { setSeed } from "../../../src/backend/random.js";
import { adjustedRandIndex } from "../../../src/scvi/metrics/ari.js";
import { clusteringScores } from "../../../src/scvi/metrics/clustering-scores.js";
import { kmeans } from "../../../src/scvi/metrics/kmeans.js";
import { Rng } from "../helpers/synthetic-counts.js";

/** `nPerBlob` points around each of `centres` with standard deviation `sd`. */
function blobs(centres: number[][], nPerBlob: number, sd: number, seed: number) {
  const rng = new Rng(seed);
  const d = centres[0]!.length;
  const data: number[] = [];
  const truth: number[] = [];
  for (let i = 0; i < nPerBlob * centres.length; i++) {
    const c = i % centres.length;
    truth.push(c);
    for (let j = 0; j < d; j++) data.push(centres[c]![j]! + sd * rng.normal());
  }
  return { points: { shape: [truth.length, d] as [number, number], data: Float64Array.from(data) }, truth };
}

const centres = [
  [0, 0, 0],
  [10, 0, 0],
  [0, 10, 0],
  [0, 0, 10],
  [10, 10, 10],
];

describe("kmeans", () => {
  it("recovers well-separated blobs exactly", () => {
    const { points, truth } = blobs(centres, 40, 1, 1);
    const result = kmeans(points, 5, { seed: 3 });
    expect(adjustedRandIndex(truth, result.labels)).toBe(1);
    // Centres land near the planted ones (each planted centre has a fitted one within 0.5).
    for (const c of centres) {
      const nearest = Math.min(
        ...Array.from({ length: 5 }, (_, k) => Math.hypot(...c.map((v, j) => v - result.centers[k * 3 + j]!))),
      );
      expect(nearest).toBeLessThan(0.5);
    }
    // Inertia is the sum of squared distances to the assigned centres.
    let inertia = 0;
    for (let i = 0; i < truth.length; i++) {
      for (let j = 0; j < 3; j++) inertia += (points.data[i * 3 + j]! - result.centers[result.labels[i]! * 3 + j]!) ** 2;
    }
    expect(result.inertia).toBeCloseTo(inertia, 8);
  });

  it("is deterministic for a seed and follows setSeed without one", () => {
    const { points } = blobs(centres, 20, 4, 2);
    expect(kmeans(points, 5, { seed: 7, nInit: 3 })).toEqual(kmeans(points, 5, { seed: 7, nInit: 3 }));
    setSeed(11);
    const a = kmeans(points, 5, { nInit: 2 });
    setSeed(11);
    expect(kmeans(points, 5, { nInit: 2 })).toEqual(a);
  });

  it("with restarts never does worse than a single run from the same first seed", () => {
    // Overlapping blobs, where single runs can land in different local minima.
    const { points } = blobs(centres, 20, 5, 3);
    const one = kmeans(points, 5, { seed: 5, nInit: 1 });
    const many = kmeans(points, 5, { seed: 5, nInit: 10 });
    expect(many.inertia).toBeLessThanOrEqual(one.inertia);
  });

  it("handles k = 1 and k = rows, and rejects bad arguments naming them", () => {
    const { points } = blobs(centres, 2, 1, 4);
    expect(kmeans(points, 1, { seed: 0 }).labels.every((l) => l === 0)).toBe(true);
    const all = kmeans(points, 10, { seed: 0 });
    expect(new Set(all.labels).size).toBe(10);
    expect(all.inertia).toBeCloseTo(0, 10);
    expect(() => kmeans(points, 0)).toThrow(/k must be an integer in 1\.\.10/);
    expect(() => kmeans(points, 11)).toThrow(/k must be an integer/);
    expect(() => kmeans({ shape: [2, 1], data: [0, NaN] }, 1)).toThrow(/row 1, column 0 is NaN/);
    expect(() => kmeans({ shape: [2, 2], data: [0, 1, 2] }, 1)).toThrow(/needs 4 values, got 3/);
  });

  it("clusteringScores uses k = number of labels and scores blobs perfectly", () => {
    const { points, truth } = blobs(centres, 30, 1, 5);
    const s = clusteringScores(points, truth.map((t) => `type${t}`), { seed: 1 });
    expect(s.k).toBe(5);
    expect(s.ari).toBe(1);
    expect(s.nmi).toBeCloseTo(1, 12);
  });
});
