/**
 * Posterior draws of the normalized expression of a group of cells (scvi-tools'
 * `DifferentialComputation.scale_sampler` with `get_normalized_expression(n_samples_overall=…)`).
 *
 * @module
 */
import { currentStream } from "../../../backend/random.js";
import type { PlainMatrix } from "../base/plain-data.js";

/** What the sampler asks of a model: its normalized expression, one row per draw. */
export interface ScaleSource {
  /** Normalized expression of `indices`, `nSamples` draws per cell, rows stacked per cell. */
  getNormalizedExpression(options: {
    indices: ArrayLike<number>;
    transformBatch?: string | number;
    nSamples: number;
    returnMean: boolean;
    librarySize: number;
    batchSize?: number;
  }): PlainMatrix;
}

/** Draws of the normalized expression: `n` rows × `nGenes`, with the batch each was decoded in. */
export interface ScaleSamples {
  /** Row-major `[n, nGenes]`. */
  scale: Float32Array;
  nGenes: number;
  /** Per row, the batch it was decoded in (`null`: each cell's own batch). */
  batch: (string | null)[];
}

/** Options of {@link sampleScales}. */
export interface ScaleSamplerOptions {
  /** Batches to decode in, in turn; `[undefined]` decodes each cell in its own batch. */
  batches: readonly (string | number | undefined)[];
  /** Draws in total, split evenly over `batches` (as `int(n / len(batches))`, at least 2). */
  nSamplesOverall: number;
  batchSize?: number;
}

/** `n` indices drawn uniformly from `[0, size)` with replacement, from the seeded stream. */
export function choiceWithReplacement(size: number, n: number): Int32Array {
  const stream = currentStream();
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = Math.min(size - 1, Math.floor(stream.uniform() * size));
  return out;
}

/**
 * For each batch in `batches`: `⌊n / nCells⌋ + 1` posterior draws of every cell's normalized
 * expression (library size 1) decoded in that batch, of which `n` rows are kept, drawn
 * uniformly with replacement — scvi-tools' sampler with uniform weights.
 */
export function sampleScales(source: ScaleSource, cells: Int32Array, options: ScaleSamplerOptions): ScaleSamples {
  let n = Math.floor(options.nSamplesOverall / options.batches.length);
  if (n === 0) {
    console.warn("scvi-ts: very small sample size, please consider increasing nSamplesOverall");
    n = 2;
  }
  const perCell = Math.floor(n / cells.length) + 1;
  const parts: Float32Array[] = [];
  const batch: (string | null)[] = [];
  let nGenes = 0;
  for (const b of options.batches) {
    const draws = source.getNormalizedExpression({
      indices: cells,
      ...(b === undefined ? {} : { transformBatch: b }),
      nSamples: perCell,
      returnMean: false,
      librarySize: 1,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    nGenes = draws.shape[1];
    const rows = choiceWithReplacement(draws.shape[0], n);
    const kept = new Float32Array(n * nGenes);
    rows.forEach((r, k) => kept.set(draws.data.subarray(r * nGenes, (r + 1) * nGenes), k * nGenes));
    parts.push(kept);
    for (let k = 0; k < n; k++) batch.push(b === undefined ? null : String(b));
  }
  const scale = new Float32Array(batch.length * nGenes);
  let offset = 0;
  for (const p of parts) {
    scale.set(p, offset);
    offset += p.length;
  }
  return { scale, nGenes, batch };
}

/** The mean of the draws, per gene. */
export function meanScale(s: ScaleSamples): Float64Array {
  const out = new Float64Array(s.nGenes);
  const n = s.batch.length;
  for (let i = 0; i < n; i++) for (let g = 0; g < s.nGenes; g++) out[g] += s.scale[i * s.nGenes + g]!;
  for (let g = 0; g < s.nGenes; g++) out[g] /= n;
  return out;
}
