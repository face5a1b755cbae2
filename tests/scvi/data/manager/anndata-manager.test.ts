import { afterEach, describe, expect, it, vi } from "vitest";
import { AnnData } from "../../../../src/scvi/data/anndata.js";
import { categoricalColumn, DataFrame, numericColumn, stringColumn, booleanColumn } from "../../../../src/scvi/data/dataframe.js";
import { CategoricalObsField } from "../../../../src/scvi/data/fields/categorical-obs-field.js";
import { CategoricalJointObsField, NumericalJointObsField } from "../../../../src/scvi/data/fields/joint-obs-fields.js";
import { LayerField } from "../../../../src/scvi/data/fields/layer-field.js";
import { NumericalObsField } from "../../../../src/scvi/data/fields/numerical-obs-field.js";
import { ObsmField } from "../../../../src/scvi/data/fields/obsm-field.js";
import { AnnDataManager } from "../../../../src/scvi/data/manager/anndata-manager.js";
import { REGISTRY_KEYS, type Registry } from "../../../../src/scvi/data/manager/registry.js";
import { CsrMatrix } from "../../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../../src/scvi/data/matrix/dense-matrix.js";

afterEach(() => vi.restoreAllMocks());

function makeData(batches: string[], options: { donors?: string[]; x?: number[] } = {}): AnnData {
  const n = batches.length;
  const nVars = 4;
  const x = options.x ?? Array.from({ length: n * nVars }, (_, k) => (k * 7) % 5);
  const dense = new DenseMatrix([n, nVars], Float32Array.from(x));
  return new AnnData({
    X: CsrMatrix.fromDense(dense),
    obs: new DataFrame(
      batches.map((_, i) => `cell${i}`),
      {
        batch: categoricalColumn(batches),
        donor: stringColumn(options.donors ?? batches.map((_, i) => (i % 2 ? "d2" : "d1"))),
        size_factor: numericColumn(batches.map((_, i) => 1 + i / 10)),
        pct_mito: numericColumn(batches.map((_, i) => i / 100)),
        treated: booleanColumn(batches.map((_, i) => i % 3 === 0)),
      },
    ),
    var: new DataFrame(["CD3E", "MS4A1", "NKG7", "LYZ"]),
    layers: { counts: dense },
    obsm: { protein: new DenseMatrix([n, 2], Float32Array.from({ length: n * 2 }, (_, k) => k % 3)) },
  });
}

function fields() {
  return [
    new LayerField(REGISTRY_KEYS.X_KEY, "counts"),
    new CategoricalObsField(REGISTRY_KEYS.BATCH_KEY, "batch"),
    new CategoricalObsField(REGISTRY_KEYS.LABELS_KEY, null),
    new NumericalObsField(REGISTRY_KEYS.SIZE_FACTOR_KEY, "size_factor"),
    new CategoricalJointObsField(REGISTRY_KEYS.CAT_COVS_KEY, ["donor", "treated"]),
    new NumericalJointObsField(REGISTRY_KEYS.CONT_COVS_KEY, ["pct_mito"]),
    new ObsmField(REGISTRY_KEYS.PROTEIN_EXP_KEY, "protein"),
  ];
}

const BATCHES = ["b", "a", "a", "c", "b", "a", "c", "b", "c"];

function registered(adata = makeData(BATCHES)): AnnDataManager {
  const m = new AnnDataManager(fields(), { modelName: "SCVI", setupMethodName: "setup_anndata", setupArgs: { batchKey: "batch" } });
  m.registerFields(adata);
  return m;
}

describe("AnnDataManager registration", () => {
  it("computes scvi-tools' summary stats under camelCase names", () => {
    const m = registered();
    expect(m.summaryStats).toEqual({
      nVars: 4,
      nCells: 9,
      nBatch: 3,
      nLabels: 1,
      nExtraCategoricalCovs: 2,
      nExtraContinuousCovs: 1,
      nProteins: 2,
    });
  });

  it("serves each key's data with one row per cell", () => {
    const m = registered();
    expect(m.getFromRegistry(REGISTRY_KEYS.X_KEY).shape).toEqual([9, 4]);
    const batch = m.getFromRegistry(REGISTRY_KEYS.BATCH_KEY).toDense();
    expect(batch.shape).toEqual([9, 1]);
    // categories sorted as pandas does: a=0, b=1, c=2
    expect(Array.from(batch.data)).toEqual([1, 0, 0, 2, 1, 0, 2, 1, 2]);
    expect(m.getStateRegistry("batch")).toEqual({ categoricalMapping: ["a", "b", "c"], originalKey: "batch" });
    expect(Array.from(m.getFromRegistry(REGISTRY_KEYS.LABELS_KEY).toDense().data)).toEqual(new Array(9).fill(0));
    expect(Array.from(m.getFromRegistry(REGISTRY_KEYS.SIZE_FACTOR_KEY).toDense().data)).toEqual(
      Array.from(Float32Array.from(BATCHES.map((_, i) => 1 + i / 10))),
    );
    const cat = m.getFromRegistry(REGISTRY_KEYS.CAT_COVS_KEY).toDense();
    expect(cat.shape).toEqual([9, 2]);
    expect(cat.row(0)).toEqual(Float32Array.of(0, 1)); // donor d1 -> 0, treated true -> 1 (false < true)
    expect(m.getStateRegistry(REGISTRY_KEYS.CAT_COVS_KEY)).toEqual({
      mappings: { donor: ["d1", "d2"], treated: [false, true] },
      fieldKeys: ["donor", "treated"],
      nCatsPerKey: [2, 2],
    });
    expect(m.getFromRegistry(REGISTRY_KEYS.CONT_COVS_KEY).shape).toEqual([9, 1]);
    expect(m.getFromRegistry(REGISTRY_KEYS.PROTEIN_EXP_KEY).shape).toEqual([9, 2]);
    expect(m.dataRegistry.batch).toEqual({ attrName: "obs", attrKey: "_scvi_batch" });
    expect(m.dataRegistry.X).toEqual({ attrName: "layers", attrKey: "counts" });
  });

  it("keeps a categorical column's own category order, unused categories included", () => {
    const adata = makeData(BATCHES);
    adata.obs.set("batch", categoricalColumn(BATCHES, { categories: ["c", "b", "a", "z"] }));
    const m = new AnnDataManager([new CategoricalObsField("batch", "batch")]);
    m.registerFields(adata);
    expect(m.getStateRegistry("batch").categoricalMapping).toEqual(["c", "b", "a", "z"]);
    expect(m.summaryStats.nBatch).toBe(4);
  });

  it("leaves empty joint fields out of the data registry but counts them", () => {
    const m = new AnnDataManager([new LayerField("X", null), new CategoricalJointObsField(REGISTRY_KEYS.CAT_COVS_KEY, null)]);
    m.registerFields(makeData(BATCHES));
    expect(m.summaryStats.nExtraCategoricalCovs).toBe(0);
    expect(Object.keys(m.dataRegistry)).toEqual(["X"]);
    expect(() => m.getFromRegistry(REGISTRY_KEYS.CAT_COVS_KEY)).toThrow(/not in the data registry/);
  });

  it("marks the AnnData and re-registers it when another manager took it over", () => {
    const adata = makeData(BATCHES);
    const m1 = registered(adata);
    expect(adata.uns._scvi_manager_uuid).toBe(m1.id);
    const m2 = new AnnDataManager([new CategoricalObsField("batch", "donor")]);
    m2.registerFields(adata); // overwrites adata.obs._scvi_batch with donor codes
    expect(adata.uns._scvi_manager_uuid).toBe(m2.id);
    m1.validate();
    expect(adata.uns._scvi_manager_uuid).toBe(m1.id);
    expect(Array.from(m1.getFromRegistry("batch").toDense().data)).toEqual([1, 0, 0, 2, 1, 0, 2, 1, 2]);
  });
});

describe("AnnDataManager registry JSON and transfer", () => {
  it("round-trips the registry through JSON and re-applies it to the same data", () => {
    const m = registered();
    const text = JSON.stringify(m.registry);
    const parsed = JSON.parse(text) as Registry;
    expect(parsed).toEqual(m.registry);
    expect(parsed.setupArgs).toEqual({ batchKey: "batch" });
    expect(parsed.fieldRegistries.batch.summaryStats).toEqual({ nBatch: 3 });
    const again = new AnnDataManager(fields(), { modelName: "SCVI" });
    again.registerFields(makeData(BATCHES), parsed);
    expect(again.registry.fieldRegistries).toEqual(parsed.fieldRegistries);
  });

  it("transfers codes to new data with a subset of the categories", () => {
    const m = registered();
    const q = m.transferFields(makeData(["c", "c", "a"]));
    expect(q.getStateRegistry("batch").categoricalMapping).toEqual(["a", "b", "c"]);
    expect(Array.from(q.getFromRegistry("batch").toDense().data)).toEqual([2, 2, 0]);
    expect(q.summaryStats.nBatch).toBe(3);
    expect(q.summaryStats.nCells).toBe(3);
  });

  it("throws on an unseen category unless extendCategories, which appends it", () => {
    const m = registered();
    expect(() => m.transferFields(makeData(["a", "d", "e"]))).toThrow(/category 'd' not found in the source registry.*extendCategories/);
    const q = m.transferFields(makeData(["a", "e", "d"]), { extendCategories: true });
    expect(q.getStateRegistry("batch").categoricalMapping).toEqual(["a", "b", "c", "d", "e"]);
    expect(Array.from(q.getFromRegistry("batch").toDense().data)).toEqual([0, 4, 3]);
    expect(q.summaryStats.nBatch).toBe(5);
  });

  it("extends joint categorical covariates too", () => {
    const m = registered();
    const target = makeData(["a", "b", "c"], { donors: ["d1", "d3", "d2"] });
    expect(() => m.transferFields(target)).toThrow(/adata\.obs\['donor'\]: category 'd3'/);
    const q = m.transferFields(makeData(["a", "b", "c"], { donors: ["d1", "d3", "d2"] }), { extendCategories: true });
    expect(q.getStateRegistry(REGISTRY_KEYS.CAT_COVS_KEY).nCatsPerKey).toEqual([3, 2]);
    expect(Array.from(q.getFromRegistry(REGISTRY_KEYS.CAT_COVS_KEY).toDense().data)).toEqual([0, 1, 2, 0, 1, 0]);
  });

  it("refuses new data with another number of genes", () => {
    const m = registered();
    const wide = new AnnData({
      X: DenseMatrix.zeros(2, 5),
      obs: new DataFrame(["x", "y"], { batch: categoricalColumn(["a", "b"]) }),
      layers: { counts: DenseMatrix.zeros(2, 5) },
    });
    expect(() => m.transferFields(wide)).toThrow(/target AnnData has 5 genes, the source had 4/);
  });
});

describe("AnnDataManager errors name what is wrong", () => {
  it("names a missing obs key and lists the available ones", () => {
    const m = new AnnDataManager([new CategoricalObsField("batch", "bach")]);
    expect(() => m.registerFields(makeData(BATCHES))).toThrow(
      /obs key 'bach' \(for the 'batch' field\) not found in adata\.obs; available: batch, donor, size_factor, pct_mito, treated/,
    );
  });

  it("names a missing layer", () => {
    const m = new AnnDataManager([new LayerField("X", "raw")]);
    expect(() => m.registerFields(makeData(BATCHES))).toThrow(/layer 'raw' not found in adata\.layers; available: counts/);
  });

  it("names the first cell and gene with a negative or NaN count", () => {
    const x = Array.from({ length: 36 }, () => 1);
    x[4 * 2 + 1] = -3; // cell2, MS4A1
    x[4 * 5 + 3] = NaN;
    const m = new AnnDataManager([new LayerField("X", null)]);
    expect(() => m.registerFields(makeData(BATCHES, { x }))).toThrow(/adata\.X has a negative value \(-3\) at cell 'cell2' \(row 2\), gene 'MS4A1'/);
    x[4 * 2 + 1] = 1;
    const m2 = new AnnDataManager([new LayerField("X", "counts")]);
    expect(() => m2.registerFields(makeData(BATCHES, { x }))).toThrow(/adata\.layers\['counts'\] has NaN at cell 'cell5' \(row 5\), gene 'LYZ'/);
  });

  it("warns once, naming the layer, for non-integer values", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const x = Array.from({ length: 36 }, (_, k) => (k % 4) + 0.5);
    new AnnDataManager([new LayerField("X", "counts")]).registerFields(makeData(BATCHES, { x }));
    const mine = warn.mock.calls.filter((c) => String(c[0]).includes("unnormalized"));
    expect(mine).toHaveLength(1);
    expect(String(mine[0][0])).toMatch(/adata\.layers\['counts'\] does not contain unnormalized count data/);
  });

  it("refuses a missing category value, naming the cell", () => {
    const adata = makeData(BATCHES);
    adata.obs.set("batch", categoricalColumn(["a", null, "b", "a", "b", "a", "b", "a", "b"]));
    expect(() => new AnnDataManager([new CategoricalObsField("batch", "batch")]).registerFields(adata)).toThrow(
      /adata\.obs\['batch'\] has a missing value at cell 'cell1'/,
    );
  });

  it("refuses a non-numeric column for a numerical field", () => {
    expect(() => new AnnDataManager([new NumericalObsField("size_factor", "donor")]).registerFields(makeData(BATCHES))).toThrow(
      /adata\.obs\['donor'\] is a string column; a numerical field needs numbers/,
    );
  });

  it("refuses two fields with one registry key", () => {
    expect(() => new AnnDataManager([new LayerField("X", null), new LayerField("X", "counts")])).toThrow(/two fields register the key 'X'/);
  });
});

describe("viewRegistry", () => {
  it("summarises setup, stats, data locations and category encodings", () => {
    const text = registered().viewRegistry();
    expect(text).toContain("Setup via `SCVI.setup_anndata`");
    expect(text).toMatch(/│ nBatch +│ 3 +│/);
    expect(text).toMatch(/│ batch +│ adata\.obs\['_scvi_batch'\] +│/);
    expect(text).toMatch(/│ adata\.obs\['batch'\] +│ a +│ 0 +│/);
    expect(registered().viewRegistry({ hideState: true })).not.toContain("State Registry");
  });
});
