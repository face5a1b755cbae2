/**
 * Which cells differential expression compares (scvi-tools' `_de_core` / `_prepare_obs`
 * semantics), and the errors for bad options — no training needed.
 */
import { describe, it, expect, vi } from "vitest";
import { setSeed } from "../../../src/backend/random.js";
import { DataFrame, booleanColumn, categoricalColumn, numericColumn, stringColumn } from "../../../src/scvi/data/dataframe.js";
import { SCVI } from "../../../src/scvi/model/scvi.js";
import { findGroup, groupColumn, selectComparisons } from "../../../src/scvi/model/de/index.js";
import { syntheticCounts } from "../helpers/synthetic-counts.js";

const obs = new DataFrame(
  ["c0", "c1", "c2", "c3", "c4", "c5"],
  {
    type: categoricalColumn(["b", "a", null, "b", "c", "a"], { categories: ["a", "b", "c", "unused"] }),
    donor: stringColumn(["d2", "d1", "d1", "d2", "d2", "d1"]),
    dose: numericColumn([1, 0.5, 1, 0.5, 1, NaN], "float64"),
    day: numericColumn([3, 3, 7, 7, 7, 3], "int32"),
    treated: booleanColumn([true, false, false, true, true, false]),
    one: categoricalColumn(["x", "x", "x", "x", "x", "x"]),
  },
  "obs",
);
const list = (a: Int32Array) => Array.from(a);

describe("groups of an obs column", () => {
  it("one vs rest for every non-empty group when group1 is omitted; the rest includes missing labels", () => {
    const c = selectComparisons(obs, { groupby: "type" });
    expect(c.map((x) => x.labels)).toEqual([
      { comparison: "a vs Rest", group1: "a", group2: "Rest" },
      { comparison: "b vs Rest", group1: "b", group2: "Rest" },
      { comparison: "c vs Rest", group1: "c", group2: "Rest" },
    ]);
    expect(list(c[0]!.cells1)).toEqual([1, 5]);
    expect(list(c[0]!.cells2)).toEqual([0, 2, 3, 4]);
    expect(list(c[2]!.cells1)).toEqual([4]);
  });

  it("group1 list against group2", () => {
    const c = selectComparisons(obs, { groupby: "type", group1: ["c", "b"], group2: "a" });
    expect(c.map((x) => x.labels!.comparison)).toEqual(["c vs a", "b vs a"]);
    expect(list(c[1]!.cells1)).toEqual([0, 3]);
    expect(list(c[1]!.cells2)).toEqual([1, 5]);
  });

  it("string, float, integer and boolean columns group by their sorted values, printed as pandas does", () => {
    expect(groupColumn(obs.get("donor")).names).toEqual(["d1", "d2"]);
    const dose = groupColumn(obs.get("dose"));
    expect(dose.names).toEqual(["0.5", "1.0"]);
    expect(list(dose.codes)).toEqual([1, 0, 1, 0, 1, -1]);
    expect(findGroup(dose, 1)).toBe(1);
    expect(findGroup(dose, "1.0")).toBe(1);
    expect(groupColumn(obs.get("day")).names).toEqual(["3", "7"]);
    const treated = groupColumn(obs.get("treated"));
    expect(treated.names).toEqual(["False", "True"]);
    expect(findGroup(treated, true)).toBe(1);
    const c = selectComparisons(obs, { groupby: "dose", group1: 1 });
    expect(c[0]!.labels!.comparison).toBe("1.0 vs Rest");
    expect(list(c[0]!.cells2)).toEqual([1, 3, 5]); // NaN dose is in the rest
    expect(selectComparisons(obs, { groupby: "treated", group1: false, group2: true })[0]!.labels!.comparison).toBe("False vs True");
  });

  it("explicit cells: indices or masks; cells in both go to idx2; without idx2 the rest", () => {
    const a = selectComparisons(obs, { idx1: [0, 1, 2], idx2: [2, 3] })[0]!;
    expect([list(a.cells1), list(a.cells2), a.labels]).toEqual([[0, 1], [2, 3], undefined]);
    const b = selectComparisons(obs, { idx1: [true, false, false, false, false, true] })[0]!;
    expect([list(b.cells1), list(b.cells2)]).toEqual([[0, 5], [1, 2, 3, 4]]);
    expect(selectComparisons(obs, { groupby: "type", group1: "a", idx1: [4] })[0]!.labels).toBeUndefined();
  });

  it("errors name the key or group and list what exists", () => {
    expect(() => selectComparisons(obs, { groupby: "cell_type" })).toThrow(/groupby 'cell_type' is not a column of obs; available: type, donor, dose, day, treated, one/);
    expect(() => selectComparisons(obs, { groupby: "type", group1: "z" })).toThrow(/group1 'z' is not a group of obs\['type'\]; groups: a, b, c, unused/);
    expect(() => selectComparisons(obs, { groupby: "type", group1: "a", group2: "q" })).toThrow(/group2 'q' is not a group of obs\['type'\]; groups: a, b, c, unused/);
    expect(() => selectComparisons(obs, { groupby: "type", group1: "unused" })).toThrow(/group1 'unused' of obs\['type'\] has no cells/);
    expect(() => selectComparisons(obs, { groupby: "one" })).toThrow(/obs\['one'\] has a single group \(x\)/);
    expect(() => selectComparisons(obs, {})).toThrow(/give groupby/);
    expect(() => selectComparisons(obs, { idx2: [1] })).toThrow(/idx2 needs idx1/);
    expect(() => selectComparisons(obs, { idx1: [] })).toThrow(/idx1 has no cells/);
    expect(() => selectComparisons(obs, { idx1: [1, 2], idx2: [1, 2] })).toThrow(/idx1 has no cells/);
    expect(() => selectComparisons(obs, { idx1: [0, 1, 2, 3, 4, 5] })).toThrow(/the cells outside idx1 has no cells/);
    expect(() => selectComparisons(obs, { idx1: [0, 9] })).toThrow(/idx1\[1\] = 9 is not a cell index in \[0, 6\)/);
    expect(() => selectComparisons(obs, { idx1: [true, false] })).toThrow(/idx1 is a mask of 2 values, the data has 6 cells/);
  });
});

describe("differentialExpression option errors", () => {
  setSeed(0);
  const { adata } = syntheticCounts({ nCells: 60, nGenes: 8, seed: 1 });
  SCVI.setupAnndata(adata, { batchKey: "batch" });
  const model = new SCVI(adata, { nHidden: 8, nLatent: 2 }); // the default (PPL) module path; de-model uses the plain VAE

  it("reject bad options with messages that name them", () => {
    expect(() => model.differentialExpression({ groupby: "celltype" })).toThrow(/groupby 'celltype' is not a column of obs; available: cell_type, batch/);
    expect(() => model.differentialExpression({ groupby: "cell_type", group1: "type9" })).toThrow(/group1 'type9' is not a group of obs\['cell_type'\]; groups: type0, type1, type2/);
    expect(() => model.differentialExpression({ groupby: "cell_type", mode: "both" as "change" })).toThrow(/mode must be "vanilla" or "change"/);
    expect(() => model.differentialExpression({ groupby: "cell_type", weights: "importance" as "uniform" })).toThrow(/weights "importance" is not supported/);
    expect(() => model.differentialExpression({ groupby: "cell_type", nSamplesOverall: 0 })).toThrow(/nSamplesOverall must be a positive integer/);
    expect(() => model.differentialExpression({ groupby: "cell_type", fdrTarget: 2 })).toThrow(/fdrTarget must be in \[0, 1\]/);
    expect(() => model.differentialExpression({ groupby: "cell_type", batchid1: ["batch0"] })).toThrow(/need batchCorrection: true/);
    expect(() => model.differentialExpression({ groupby: "cell_type", group1: "type0", batchCorrection: true, batchid1: ["batch7"], nSamplesOverall: 10 })).toThrow(/'batch7' is not a batch of this model \(batches: batch0, batch1\)/);
  });

  it("warns and still samples when nSamplesOverall is smaller than the number of batches", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const rows = model.differentialExpression({ groupby: "cell_type", group1: "type0", batchCorrection: true, nSamplesOverall: 1 });
    expect(rows).toHaveLength(8);
    expect(warn.mock.calls.some((c) => /very small sample size/.test(String(c[0])))).toBe(true);
    warn.mockRestore();
  });
});
