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
  /** Normalized expression of `indices` (repeats allowed: each is an independent draw), `nSamples` draws per cell, rows stacked per cell. */
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
  /** Genes per row. */
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
 * Which posterior draws to compute for `n` rows chosen uniformly with replacement from a pool
 * of `perCell` independent draws of each of `cells`: the cell of each distinct chosen draw,
 * and for each row the position of its draw in that list.
 */
export function chooseDraws(cells: Int32Array, perCell: number, n: number): { drawCells: Int32Array; rowDraw: Int32Array } {
  const chosen = choiceWithReplacement(cells.length * perCell, n);
  const position = new Map<number, number>();
  const drawCells: number[] = [];
  const rowDraw = new Int32Array(n);
  chosen.forEach((r, k) => {
    let p = position.get(r);
    if (p === undefined) {
      p = drawCells.length;
      position.set(r, p);
      drawCells.push(cells[Math.floor(r / perCell)]!);
    }
    rowDraw[k] = p;
  });
  return { drawCells: Int32Array.from(drawCells), rowDraw };
}

/**
 * For each batch in `batches`, `n` draws of the normalized expression (library size 1)
 * decoded in that batch, as scvi-tools samples them: a pool of `⌊n / nCells⌋ + 1` posterior
 * draws per cell from which `n` rows are drawn uniformly with replacement. Only the draws
 * that are chosen are computed (one independent posterior draw per distinct pool entry), which
 * gives the same distribution at a fraction of the cost.
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
    const { drawCells, rowDraw } = chooseDraws(cells, perCell, n);
    const draws = source.getNormalizedExpression({
      indices: drawCells,
      ...(b === undefined ? {} : { transformBatch: b }),
      nSamples: 1,
      returnMean: false,
      librarySize: 1,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    nGenes = draws.shape[1];
    const kept = new Float32Array(n * nGenes);
    rowDraw.forEach((r, k) => kept.set(draws.data.subarray(r * nGenes, (r + 1) * nGenes), k * nGenes));
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
