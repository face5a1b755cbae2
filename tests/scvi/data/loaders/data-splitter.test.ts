import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DataSplitter, validateDataSplit } from "../../../../src/scvi/data/loaders/data-splitter.js";
import { registeredManager } from "./fixture.js";

afterEach(() => vi.restoreAllMocks());

const quiet = () => vi.spyOn(console, "warn").mockImplementation(() => {});

describe("validateDataSplit (scvi-tools' validate_data_split)", () => {
  it("moves a last training batch of 1–2 cells to validation when trainSize is the default", () => {
    quiet();
    // ceil(0.9 * 1000) = 900 = 7 * 128 + 4: no stray cells
    expect(validateDataSplit(1000, 0.9, undefined, 128, false, true)).toEqual({ nTrain: 900, nVal: 100 });
    // ceil(0.9 * 1427) = 1285 = 10 * 128 + 5; ceil(0.9 * 1425) = 1283 = 10 * 128 + 3
    expect(validateDataSplit(1425, 0.9, undefined, 128, false, true)).toEqual({ nTrain: 1283, nVal: 142 });
    // ceil(0.9 * 1424) = 1282 = 10 * 128 + 2 -> 1280 train, 144 validation
    expect(validateDataSplit(1424, 0.9, undefined, 128, false, true)).toEqual({ nTrain: 1280, nVal: 144 });
    // ceil(0.9 * 1423) = 1281 -> 1 stray cell
    expect(validateDataSplit(1423, 0.9, undefined, 128, false, true)).toEqual({ nTrain: 1280, nVal: 143 });
    // an explicit trainSize only warns; dropLast needs no move
    expect(validateDataSplit(1424, 0.9, undefined, 128, false, false)).toEqual({ nTrain: 1282, nVal: 142 });
    expect(validateDataSplit(1424, 0.9, undefined, 128, true, true)).toEqual({ nTrain: 1282, nVal: 142 });
  });

  it("uses floor(validationSize · n) and rejects impossible sizes", () => {
    expect(validateDataSplit(100, 0.7, 0.2, undefined, false, false)).toEqual({ nTrain: 70, nVal: 20 });
    expect(() => validateDataSplit(100, 0, undefined, 128, false, false)).toThrow(/Invalid trainSize/);
    expect(() => validateDataSplit(100, 0.8, 0.3, 128, false, false)).toThrow(/trainSize \+ validationSize/);
    expect(() => validateDataSplit(100, 0.5, 1, 128, false, false)).toThrow(/Invalid validationSize/);
  });

  it("warns when it moves cells", () => {
    const warn = quiet();
    validateDataSplit(1424, 0.9, undefined, 128, false, true);
    expect(String(warn.mock.calls[0][0])).toMatch(/2 cell\(s\) moved from the training set to the validation set/);
  });
});

describe("DataSplitter", () => {
  it("splits into disjoint sets covering every cell, sized by validateDataSplit (property)", () => {
    quiet();
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 400 }),
      trainSize: fc.option(fc.double({ min: 0.05, max: 1, noNaN: true }), { nil: undefined }),
      validationFrac: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      batchSize: fc.integer({ min: 1, max: 64 }),
      dropLast: fc.boolean(),
      seed: fc.nat(),
    });
    fc.assert(
      fc.property(arb, ({ n, trainSize, validationFrac, batchSize, dropLast, seed }) => {
        const t = trainSize ?? 0.9;
        // a validation size that fits next to the training size
        const validationSize = validationFrac === undefined ? undefined : Math.min(validationFrac * (1 - t), 0.999999);
        const m = registeredManager(n, 2);
        let s: DataSplitter;
        try {
          s = new DataSplitter(m, { trainSize, validationSize, batchSize, dropLast, seed });
        } catch (e) {
          // only an empty training set may be refused
          expect(String(e)).toMatch(/training set would be empty/);
          return;
        }
        const all = [...s.trainIndices, ...s.validationIndices, ...s.testIndices];
        expect(all.length).toBe(n);
        expect(new Set(all).size).toBe(n);
        expect(all.every((i) => i >= 0 && i < n)).toBe(true);
        const sizes = validateDataSplit(n, t, validationSize, batchSize, dropLast, trainSize === undefined);
        expect(s.trainIndices.length).toBe(sizes.nTrain);
        expect(s.validationIndices.length).toBe(sizes.nVal);
        // the stray-cell rule: with the default trainSize no 1–2 cell last batch remains
        if (trainSize === undefined && !dropLast) expect([1, 2]).not.toContain(s.trainIndices.length % batchSize);
        // seeded
        const again = new DataSplitter(registeredManager(n, 2), { trainSize, validationSize, batchSize, dropLast, seed });
        expect(again.trainIndices).toEqual(s.trainIndices);
        expect(again.validationIndices).toEqual(s.validationIndices);
      }),
      { seed: 42, numRuns: 150 },
    );
  });

  it("keeps the data order without shuffleSetSplit: validation first, then training, then test", () => {
    const s = new DataSplitter(registeredManager(10, 2), { trainSize: 0.5, validationSize: 0.3, shuffleSetSplit: false, batchSize: 4 });
    expect(Array.from(s.validationIndices)).toEqual([0, 1, 2]);
    expect(Array.from(s.trainIndices)).toEqual([3, 4, 5, 6, 7]);
    expect(Array.from(s.testIndices)).toEqual([8, 9]);
  });

  it("uses external indices, checking them", () => {
    quiet();
    const m = registeredManager(6, 2);
    const s = new DataSplitter(m, { externalIndexing: [[0, 2, 4], [1, 3], [5]] });
    expect(Array.from(s.trainIndices)).toEqual([0, 2, 4]);
    expect(s.testDataloader()?.indices).toEqual(Int32Array.of(5));
    expect(() => new DataSplitter(m, { externalIndexing: [[0, 1, 2], [2, 3], [4, 5]] })).toThrow(/train and validation sets overlap \(cell 2\)/);
    expect(() => new DataSplitter(m, { externalIndexing: [[0, 1, 1], [2, 3], [4, 5]] })).toThrow(/duplicate indices in the train set/);
    expect(() => new DataSplitter(m, { externalIndexing: [[0, 1, 2], [3, 4]] })).toThrow(/cell 5 is in no set/);
  });

  it("builds loaders: training shuffled, validation in order, none for an empty set", () => {
    const s = new DataSplitter(registeredManager(50, 2), { trainSize: 0.8, batchSize: 16, seed: 1 });
    const train = s.trainDataloader();
    expect(train.shuffle).toBe(true);
    expect(train.indices).toEqual(s.trainIndices);
    const val = s.validationDataloader();
    expect(val?.shuffle).toBe(false);
    expect(val?.indices).toEqual(s.validationIndices);
    expect(s.testDataloader()).toBeUndefined();
  });
});
