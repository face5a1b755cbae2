/**
 * Synthetic UMI counts from a low-rank negative-binomial model: the data set of scvi-ts'
 * speed benchmark and of the PyTorch reference it is compared with
 * (`bench/reference/torch_scvi_reference.py`, `synthetic_counts`), ported step by step:
 *
 * ```text
 * z ~ N(0, 1)^(cells × 10),  W ~ N(0, 0.6²)^(10 × genes),  batch ~ U{0, …, nBatches-1},
 * shift ~ N(0, 0.3²)^(nBatches × genes),  ρ = softmax_genes(z W + shift[batch]),
 * library ~ LogNormal(log 2000, 0.4),  μ = ρ · library,
 * λ ~ Gamma(shape θ = 2, scale μ / θ),  x ~ Poisson(λ).
 * ```
 *
 * The draws come from our seeded stream (`seedrandom`'s alea), not NumPy's PCG64, so the
 * numbers differ from the Python script's while their distribution is the same (the tests
 * compare summary statistics with NumPy's). The samplers are the standard ones: the polar
 * method for normals, Marsaglia–Tsang for the gamma, and for the Poisson inversion by
 * multiplication below a mean of 10 and Hörmann's PTRS above (NumPy's choice).
 *
 * @module
 */
import { RandomStream } from "../../backend/random.js";
import { AnnData } from "./anndata.js";
import { DataFrame, categoricalColumn, type Column } from "./dataframe.js";
import { DenseMatrix } from "./matrix/dense-matrix.js";

/** Options of {@link syntheticReferenceCounts}. */
export interface SyntheticReferenceOptions {
  /** Batches (default 1: no batch effect column is meaningful). */
  nBatches?: number;
  /** Seed of the stream (default 0). */
  seed?: number | string;
}

/** What {@link syntheticReferenceCounts} returns. */
export interface SyntheticReferenceCounts {
  /** `[nCells, nGenes]`. */
  shape: [number, number];
  /** Counts, row-major. */
  x: Float32Array;
  /** Batch code of each cell. */
  batch: Int32Array;
}

/** Latent dimension of the generating model (the script's `z`). */
const RANK = 10;
/** Gamma shape (the NB inverse dispersion θ). */
const THETA = 2;

/** Normal, gamma and Poisson draws on top of a {@link RandomStream}. */
class Sampler {
  private spare: number | undefined;

  constructor(private readonly stream: RandomStream) {}

  uniform(): number {
    return this.stream.uniform();
  }

  /** A standard normal (Marsaglia's polar method; the second draw of each pair is kept). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const r = u * u + v * v;
      if (r === 0 || r >= 1) continue;
      const f = Math.sqrt((-2 * Math.log(r)) / r);
      this.spare = v * f;
      return u * f;
    }
  }

  /** Gamma(shape ≥ 1, scale 1) by Marsaglia and Tsang's method. */
  gamma(shape: number): number {
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const x = this.normal();
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = this.uniform();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return d * v;
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Poisson(λ): inversion by multiplication for λ < 10, Hörmann's PTRS otherwise. */
  poisson(lam: number): number {
    if (!(lam > 0)) return 0;
    if (lam < 10) {
      const limit = Math.exp(-lam);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lam);
    const logLam = Math.log(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <= -lam + k * logLam - logFactorial(k)) return k;
    }
  }
}

const LOG_FACTORIALS = (() => {
  const t = new Float64Array(256);
  for (let k = 1; k < t.length; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

/** `log k!` (a table below 256, Stirling's series above: error < 1e-15 relative). */
function logFactorial(k: number): number {
  if (k < LOG_FACTORIALS.length) return LOG_FACTORIALS[k]!;
  const n = k + 1;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n - 0.5) * Math.log(n) - n + 0.5 * Math.log(2 * Math.PI) + inv * (1 / 12 - inv2 * (1 / 360 - inv2 / 1260));
}

/**
 * Counts from the benchmark's generating model (see the module comment), deterministic for a
 * seed. 10,000 × 2,000 takes about a second.
 *
 * @example
 * ```ts
 * const { x, batch, shape } = syntheticReferenceCounts(10000, 2000, { seed: 0 });
 * ```
 */
export function syntheticReferenceCounts(nCells: number, nGenes: number, options: SyntheticReferenceOptions = {}): SyntheticReferenceCounts {
  for (const [name, v] of [
    ["nCells", nCells],
    ["nGenes", nGenes],
  ] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`syntheticReferenceCounts: ${name} must be a positive integer, got ${v}`);
  }
  const nBatches = options.nBatches ?? 1;
  if (!Number.isInteger(nBatches) || nBatches < 1) throw new Error(`syntheticReferenceCounts: nBatches must be a positive integer, got ${nBatches}`);
  const rng = new Sampler(new RandomStream(options.seed ?? 0));
  const z = Float64Array.from({ length: nCells * RANK }, () => rng.normal());
  const w = Float64Array.from({ length: RANK * nGenes }, () => 0.6 * rng.normal());
  const batch = Int32Array.from({ length: nCells }, () => Math.min(nBatches - 1, Math.floor(rng.uniform() * nBatches)));
  const shift = Float64Array.from({ length: nBatches * nGenes }, () => 0.3 * rng.normal());
  const x = new Float32Array(nCells * nGenes);
  const logits = new Float64Array(nGenes);
  for (let i = 0; i < nCells; i++) {
    const library = Math.exp(Math.log(2000) + 0.4 * rng.normal());
    const shiftRow = batch[i]! * nGenes;
    logits.fill(0);
    for (let r = 0; r < RANK; r++) {
      const zr = z[i * RANK + r]!;
      const wRow = r * nGenes;
      for (let g = 0; g < nGenes; g++) logits[g] += zr * w[wRow + g]!;
    }
    let max = -Infinity;
    for (let g = 0; g < nGenes; g++) {
      logits[g] += shift[shiftRow + g]!;
      if (logits[g]! > max) max = logits[g]!;
    }
    let total = 0;
    for (let g = 0; g < nGenes; g++) {
      logits[g] = Math.exp(logits[g]! - max);
      total += logits[g]!;
    }
    const row = i * nGenes;
    for (let g = 0; g < nGenes; g++) {
      const mu = (logits[g]! / total) * library;
      x[row + g] = rng.poisson(rng.gamma(THETA) * (mu / THETA));
    }
  }
  return { shape: [nCells, nGenes], x, batch };
}

/**
 * {@link syntheticReferenceCounts} as an {@link AnnData} with a dense `X`, cells `cell0…`,
 * genes `gene0…`, and (with more than one batch) a categorical obs column `batch`
 * (`batch0…`).
 */
export function syntheticReferenceAnnData(nCells: number, nGenes: number, options: SyntheticReferenceOptions = {}): AnnData {
  const { x, batch } = syntheticReferenceCounts(nCells, nGenes, options);
  const columns: Record<string, Column> = (options.nBatches ?? 1) > 1 ? { batch: categoricalColumn(Array.from(batch, (b) => `batch${b}`)) } : {};
  return new AnnData({
    X: new DenseMatrix([nCells, nGenes], x),
    obs: new DataFrame(
      Array.from({ length: nCells }, (_, i) => `cell${i}`),
      columns,
      "obs",
    ),
    var: new DataFrame(
      Array.from({ length: nGenes }, (_, g) => `gene${g}`),
      {},
      "var",
    ),
  });
}
