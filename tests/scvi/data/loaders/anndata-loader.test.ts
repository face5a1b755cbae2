import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { setSeed } from "../../../../src/backend/random.js";
import { AnnDataLoader } from "../../../../src/scvi/data/loaders/anndata-loader.js";
import { REGISTRY_KEYS } from "../../../../src/scvi/data/manager/registry.js";
import { countAt, registeredManager } from "./fixture.js";

/** Reads every minibatch of one epoch into plain arrays (tensors are gone after the loop). */
function epoch(loader: AnnDataLoader): { idx: number[]; rows: number[][]; batch: number[]; shapes: number[][] }[] {
  const out: { idx: number[]; rows: number[][]; batch: number[]; shapes: number[][] }[] = [];
  for (const b of loader) {
    const x = b[REGISTRY_KEYS.X_KEY];
    const [n, g] = x.shape;
    const xs = x.dataSync();
    out.push({
      idx: Array.from(b.idx.dataSync()),
      rows: Array.from({ length: n }, (_, i) => Array.from(xs.subarray(i * g, (i + 1) * g))),
      batch: Array.from(b[REGISTRY_KEYS.BATCH_KEY].dataSync()),
      shapes: Object.keys(b).sort().map((k) => b[k].shape),
    });
  }
  return out;
}

describe("AnnDataLoader", () => {
  it("yields [batch, nVars] counts and [batch, 1] codes for the right cells (property)", () => {
    const arb = fc.record({
      nObs: fc.integer({ min: 1, max: 60 }),
      nVars: fc.integer({ min: 1, max: 7 }),
      batchSize: fc.integer({ min: 1, max: 20 }),
      shuffle: fc.boolean(),
      dropLast: fc.boolean(),
      sparse: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ nObs, nVars, batchSize, shuffle, dropLast, sparse, seed }) => {
        const m = registeredManager(nObs, nVars, sparse);
        const loader = new AnnDataLoader(m, { batchSize, shuffle, dropLast, seed });
        const before = tf.memory().numTensors;
        const batches = epoch(loader);
        expect(tf.memory().numTensors).toBe(before);
        const expectedBatches = dropLast ? Math.floor(nObs / batchSize) : Math.ceil(nObs / batchSize);
        expect(batches).toHaveLength(expectedBatches);
        expect(loader.length).toBe(expectedBatches);
        const seen: number[] = [];
        for (const [k, b] of batches.entries()) {
          const size = k < expectedBatches - 1 || dropLast ? batchSize : nObs - batchSize * (expectedBatches - 1);
          expect(b.idx).toHaveLength(size);
          // keys sorted: X, batch, idx
          expect(b.shapes).toEqual([[size, nVars], [size, 1], [size, 1]]);
          b.idx.forEach((i, r) => {
            expect(b.rows[r]).toEqual(Array.from({ length: nVars }, (_, j) => countAt(i, j)));
            expect(b.batch[r]).toBe(i % 3);
          });
          seen.push(...b.idx);
        }
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.length).toBe(loader.nObs);
        if (!shuffle) expect(seen).toEqual(Array.from({ length: seen.length }, (_, i) => i));
        if (!dropLast) expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: nObs }, (_, i) => i));
      }),
      { seed: 42, numRuns: 60 },
    );
  });

  it("loads only the given cells", () => {
    const m = registeredManager(20, 3);
    const loader = new AnnDataLoader(m, { indices: [5, 2, 17], batchSize: 2 });
    expect(epoch(loader).map((b) => b.idx)).toEqual([[5, 2], [17]]);
    const masked = new AnnDataLoader(m, { indices: Array.from({ length: 20 }, (_, i) => i >= 18), batchSize: 8 });
    expect(epoch(masked).map((b) => b.idx)).toEqual([[18, 19]]);
  });

  it("shuffles reproducibly: same seed, same epochs; each epoch a new order", () => {
    const m = registeredManager(40, 2);
    const a = new AnnDataLoader(m, { shuffle: true, seed: 3, batchSize: 40 });
    const b = new AnnDataLoader(m, { shuffle: true, seed: 3, batchSize: 40 });
    const a1 = epoch(a)[0].idx;
    const a2 = epoch(a)[0].idx;
    expect(epoch(b)[0].idx).toEqual(a1);
    expect(epoch(b)[0].idx).toEqual(a2);
    expect(a2).not.toEqual(a1);
    setSeed(11);
    const c1 = epoch(new AnnDataLoader(m, { shuffle: true, batchSize: 40 }))[0].idx;
    setSeed(11);
    expect(epoch(new AnnDataLoader(m, { shuffle: true, batchSize: 40 }))[0].idx).toEqual(c1);
  });

  it("disposes the previous minibatch when the next is requested, and the last on break", () => {
    const m = registeredManager(30, 4);
    const loader = new AnnDataLoader(m, { batchSize: 7 });
    const start = tf.memory().numTensors;
    const it = loader[Symbol.iterator]();
    const first = it.next().value as Record<string, tf.Tensor>;
    expect(tf.memory().numTensors).toBe(start + 3);
    it.next();
    expect(Object.values(first).every((t) => t.isDisposed)).toBe(true);
    expect(tf.memory().numTensors).toBe(start + 3);
    it.return(undefined);
    expect(tf.memory().numTensors).toBe(start);
    for (const b of loader) {
      void b;
      break;
    }
    expect(tf.memory().numTensors).toBe(start);
  });

  it("is fast enough to densify 128 × 2000 sparse rows per minibatch", () => {
    const m = registeredManager(1024, 2000);
    const loader = new AnnDataLoader(m, { batchSize: 128, keys: [REGISTRY_KEYS.X_KEY] });
    const t0 = performance.now();
    let n = 0;
    for (const b of loader) n += b.X.shape[0];
    const msPerBatch = (performance.now() - t0) / loader.length;
    expect(n).toBe(1024);
    expect(msPerBatch).toBeLessThan(50);
  });

  it("names unknown keys and an unregistered manager", () => {
    const m = registeredManager(5, 2);
    expect(() => new AnnDataLoader(m, { keys: ["labels"] })).toThrow(/'labels' is not in the data registry; registered: X, batch, idx/);
    expect(() => new AnnDataLoader(m, { batchSize: 0 })).toThrow(/batchSize must be a positive integer/);
  });
});
