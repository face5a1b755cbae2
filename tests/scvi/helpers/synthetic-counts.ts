/**
 * Synthetic UMI counts with planted cell types, batches and DE genes, drawn from a
 * negative binomial (Gamma–Poisson), deterministic for a seed.
 */
import { AnnData } from "../../../src/scvi/data/anndata.js";
import { DataFrame, categoricalColumn } from "../../../src/scvi/data/dataframe.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";

/** A small seeded PRNG (mulberry32) with normal, gamma and Poisson draws. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.uniform() + 1e-300)) * Math.cos(2 * Math.PI * this.uniform());
  }
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const v = (1 + c * x) ** 3;
      if (v <= 0) continue;
      if (Math.log(this.uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
    }
  }
  poisson(rate: number): number {
    if (rate > 30) return Math.max(0, Math.round(rate + Math.sqrt(rate) * this.normal()));
    const l = Math.exp(-rate);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.uniform();
    } while (p > l);
    return k - 1;
  }
}

/** Options of {@link syntheticCounts}. */
export interface SyntheticOptions {
  nCells?: number;
  nGenes?: number;
  nTypes?: number;
  nBatches?: number;
  /** Genes per type that are up-regulated (the planted DE genes). */
  deGenesPerType?: number;
  /** Log fold change of the planted DE genes. */
  deLfc?: number;
  /** Strength of the batch effect (sd of per-gene log shifts). */
  batchEffect?: number;
  /** NB inverse dispersion. */
  theta?: number;
  seed?: number;
}

/** The data and what was planted. */
export interface SyntheticData {
  adata: AnnData;
  /** Planted DE genes of each type (indices). */
  deGenes: number[][];
  types: Int32Array;
  batches: Int32Array;
}

/** Counts with `nTypes` cell types (obs `cell_type`), `nBatches` batches (obs `batch`). */
export function syntheticCounts(options: SyntheticOptions = {}): SyntheticData {
  const { nCells = 400, nGenes = 60, nTypes = 3, nBatches = 2, deGenesPerType = 5, deLfc = 2, batchEffect = 0.5, theta = 5, seed = 0 } = options;
  const rng = new Rng(seed + 1);
  const base = Array.from({ length: nGenes }, () => rng.normal() * 0.7);
  const deGenes = Array.from({ length: nTypes }, (_, t) => Array.from({ length: deGenesPerType }, (_, j) => t * deGenesPerType + j));
  const typeShift = Array.from({ length: nTypes }, (_, t) => {
    const s = new Float64Array(nGenes);
    for (const g of deGenes[t]!) s[g] = deLfc;
    return s;
  });
  const batchShift = Array.from({ length: nBatches }, () => Array.from({ length: nGenes }, () => rng.normal() * batchEffect));
  const types = new Int32Array(nCells);
  const batches = new Int32Array(nCells);
  const x = new Float32Array(nCells * nGenes);
  for (let i = 0; i < nCells; i++) {
    const t = i % nTypes;
    const b = Math.floor(rng.uniform() * nBatches);
    types[i] = t;
    batches[i] = b;
    const logits = base.map((v, g) => v + typeShift[t]![g]! + batchShift[b]![g]!);
    const m = Math.max(...logits);
    const w = logits.map((l) => Math.exp(l - m));
    const sw = w.reduce((a, c) => a + c, 0);
    const lib = Math.exp(Math.log(1500) + 0.3 * rng.normal());
    for (let g = 0; g < nGenes; g++) {
      const mu = (lib * w[g]!) / sw;
      x[i * nGenes + g] = rng.poisson(rng.gamma(theta) * (mu / theta));
    }
  }
  const obsNames = Array.from({ length: nCells }, (_, i) => `cell${i}`);
  const adata = new AnnData({
    X: new DenseMatrix([nCells, nGenes], x),
    obs: new DataFrame(
      obsNames,
      {
        cell_type: categoricalColumn(Array.from(types, (t) => `type${t}`)),
        batch: categoricalColumn(Array.from(batches, (b) => `batch${b}`)),
      },
      "obs",
    ),
    var: new DataFrame(Array.from({ length: nGenes }, (_, g) => `gene${g}`), {}, "var"),
  });
  return { adata, deGenes, types, batches };
}
