/**
 * The scale sampler: scvi-tools draws `n` rows with replacement from a pool of
 * `⌊n / nCells⌋ + 1` posterior draws per cell; ours computes only the chosen draws and must
 * have the same sampling distribution.
 */
import { describe, it, expect } from "vitest";
import { setSeed } from "../../../src/backend/random.js";
import { meanScale, sampleScales, type ScaleSource } from "../../../src/scvi/model/de/index.js";

type Request = Parameters<ScaleSource["getNormalizedExpression"]>[0];

/** A model stand-in: each draw is a row [cell, unique draw id]. */
function fakeSource() {
  const requests: Request[] = [];
  let id = 0;
  const source: ScaleSource = {
    getNormalizedExpression(o) {
      requests.push(o);
      const rows = o.indices.length * o.nSamples;
      const data = new Float32Array(rows * 2);
      for (let r = 0; r < rows; r++) {
        data[2 * r] = o.indices[Math.floor(r / o.nSamples)]!;
        data[2 * r + 1] = id++;
      }
      return { shape: [rows, 2], data };
    },
  };
  return { source, requests };
}

describe("sampleScales", () => {
  it("asks for library-size-1 draws in each batch and labels the rows with it", () => {
    setSeed(1);
    const { source, requests } = fakeSource();
    const s = sampleScales(source, Int32Array.from([3, 5, 8]), { batches: ["b0", 1], nSamplesOverall: 9, batchSize: 16 });
    expect(s.batch).toEqual(["b0", "b0", "b0", "b0", "1", "1", "1", "1"]); // int(9 / 2) = 4 per batch
    expect(requests.map((r) => [r.transformBatch, r.librarySize, r.nSamples, r.batchSize])).toEqual([
      ["b0", 1, 1, 16],
      [1, 1, 1, 16],
    ]);
    for (let k = 0; k < 8; k++) expect([3, 5, 8]).toContain(s.scale[2 * k]);
    const own = sampleScales(source, Int32Array.from([0]), { batches: [undefined], nSamplesOverall: 3 });
    expect(own.batch).toEqual([null, null, null]);
    expect(requests.at(-1)!.transformBatch).toBeUndefined();
  });

  it("computes each distinct pool draw once, at most n of them", () => {
    setSeed(2);
    const { source, requests } = fakeSource();
    const s = sampleScales(source, Int32Array.from([0, 1]), { batches: [undefined], nSamplesOverall: 40 });
    const ids = Array.from({ length: 40 }, (_, k) => s.scale[2 * k + 1]!);
    expect(requests[0]!.indices.length).toBe(new Set(ids).size);
    expect(new Set(ids).size).toBeLessThan(40); // a pool of 2 × 21 draws: repeats are certain
  });

  it("has scvi-tools' sampling distribution: cells uniform, two rows share a draw with probability 1 / pool", () => {
    setSeed(3);
    const { source } = fakeSource();
    const cells = Int32Array.from([0, 1]);
    const n = 10; // pool: 2 cells × (⌊10 / 2⌋ + 1) = 12 draws
    let shared = 0;
    let pairs = 0;
    const cellCount = [0, 0];
    for (let rep = 0; rep < 400; rep++) {
      const s = sampleScales(source, cells, { batches: [undefined], nSamplesOverall: n });
      for (let i = 0; i < n; i++) {
        cellCount[s.scale[2 * i]!]!++;
        for (let j = i + 1; j < n; j++, pairs++) if (s.scale[2 * i + 1] === s.scale[2 * j + 1]) shared++;
      }
    }
    expect(Math.abs(shared / pairs - 1 / 12)).toBeLessThan(0.012);
    expect(Math.abs(cellCount[0]! / (400 * n) - 0.5)).toBeLessThan(0.03);
  });

  it("averages the draws per gene", () => {
    const m = meanScale({ scale: Float32Array.from([1, 10, 3, 30]), nGenes: 2, batch: [null, null] });
    expect(Array.from(m)).toEqual([2, 20]);
  });
});
