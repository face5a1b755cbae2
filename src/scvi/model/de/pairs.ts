/**
 * Pairing the two groups' posterior draws for the Bayes factors (scvi-tools' pairing step of
 * `get_bayes_factors` and `pairs_sampler`).
 *
 * @module
 */
import { choiceWithReplacement, type ScaleSamples } from "./scale-sampler.js";

/** Paired draws: row `i` of `scale1` is compared with row `i` of `scale2`. */
export interface ScalePairs {
  /** Group 1's draws, row-major `[n, nGenes]`. */
  scale1: Float32Array;
  /** Group 2's draws, row-major `[n, nGenes]`. */
  scale2: Float32Array;
  /** Number of pairs. */
  n: number;
  /** Genes per draw. */
  nGenes: number;
}

/** Options of {@link pairScales}. */
export interface PairOptions {
  /** Draws were decoded in each cell's own batch (no batch correction). */
  useObservedBatches: boolean;
  /** Resample `mPermutation` pairs (default false: pair the draws in order). */
  usePermutation?: boolean;
  /** Pairs to resample (split evenly over batches when pairing by batch). */
  mPermutation?: number;
}

function rowsOf(s: ScaleSamples, keep: (i: number) => boolean): Float32Array {
  const rows: number[] = [];
  s.batch.forEach((_, i) => keep(i) && rows.push(i));
  const out = new Float32Array(rows.length * s.nGenes);
  rows.forEach((r, k) => out.set(s.scale.subarray(r * s.nGenes, (r + 1) * s.nGenes), k * s.nGenes));
  return out;
}

function pairUp(a: Float32Array, b: Float32Array, nGenes: number, options: PairOptions): { a: Float32Array; b: Float32Array } {
  if (!options.usePermutation) {
    if (a.length !== b.length) {
      throw new Error(`differentialExpression: the groups have ${a.length / nGenes} and ${b.length / nGenes} draws to pair; use batch lists with the same number of batches, or usePermutation`);
    }
    return { a, b };
  }
  const m = options.mPermutation ?? 10000;
  const pick = (src: Float32Array, idx: Int32Array) => {
    const out = new Float32Array(idx.length * nGenes);
    idx.forEach((r, k) => out.set(src.subarray(r * nGenes, (r + 1) * nGenes), k * nGenes));
    return out;
  };
  return { a: pick(a, choiceWithReplacement(a.length / nGenes, m)), b: pick(b, choiceWithReplacement(b.length / nGenes, m)) };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Pairs the draws of the two groups. When both were decoded in the same set of batches (batch
 * correction), draws are paired within each batch; otherwise all draws are paired in order
 * (warning when the batch sets differ yet overlap, as scvi-tools does).
 */
export function pairScales(s1: ScaleSamples, s2: ScaleSamples, options: PairOptions): ScalePairs {
  const nGenes = s1.nGenes;
  const set1 = [...new Set(s1.batch)];
  const set2 = new Set(s2.batch);
  const sameBatches = set1.length === set2.size && set1.every((b) => set2.has(b));
  if (sameBatches && !options.useObservedBatches) {
    const perBatch = Math.floor((options.mPermutation ?? 10000) / set1.length);
    const a: Float32Array[] = [];
    const b: Float32Array[] = [];
    for (const batch of set1) {
      const p = pairUp(rowsOf(s1, (i) => s1.batch[i] === batch), rowsOf(s2, (i) => s2.batch[i] === batch), nGenes, { ...options, mPermutation: perBatch });
      a.push(p.a);
      b.push(p.b);
    }
    const scale1 = concat(a);
    return { scale1, scale2: concat(b), n: scale1.length / nGenes, nGenes };
  }
  if (!options.useObservedBatches && set1.some((b) => set2.has(b))) {
    console.warn("scvi-ts: the batches of cell groups 1 and 2 differ but overlap; batch correction is not trustworthy in this case");
  }
  const p = pairUp(s1.scale, s2.scale, nGenes, options);
  return { scale1: p.a, scale2: p.b, n: p.a.length / nGenes, nGenes };
}
