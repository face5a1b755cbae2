/**
 * The pseudocount offset of `change` mode (scvi-tools' `estimate_pseudocounts_offset`): large
 * enough to shrink the LFCs of genes a group does not express towards zero.
 *
 * @module
 */
import type { ScalePairs } from "./pairs.js";
import { quantile } from "./quantile.js";

function maxPerGene(scale: Float32Array, n: number, nGenes: number): Float64Array {
  const out = new Float64Array(nGenes).fill(-Infinity);
  for (let i = 0; i < n; i++) for (let g = 0; g < nGenes; g++) out[g] = Math.max(out[g]!, scale[i * nGenes + g]!);
  return out;
}

function artefactLevel(maxScales: Float64Array, notExpressed: ArrayLike<boolean>, q: number): number {
  const vals: number[] = [];
  for (let g = 0; g < maxScales.length; g++) if (notExpressed[g]) vals.push(maxScales[g]!);
  return vals.length ? quantile(vals, q) : 1e-10;
}

/**
 * For each group, the `q`-quantile (default 0.9) over the genes it does not express of their
 * largest sampled scale (1e-10 when it expresses every gene); the larger of the two, divided
 * by the number of genes, and at least 1e-10.
 *
 * @param notExpressed1 per gene, whether group 1's mean raw count is under the threshold
 * @param notExpressed2 the same for group 2
 */
export function estimatePseudocounts(pairs: ScalePairs, notExpressed1: ArrayLike<boolean>, notExpressed2: ArrayLike<boolean>, q = 0.9): number {
  const { nGenes, n } = pairs;
  if (notExpressed1.length !== nGenes || notExpressed2.length !== nGenes) {
    throw new Error(`estimatePseudocounts: masks have ${notExpressed1.length} and ${notExpressed2.length} genes, the scales ${nGenes}`);
  }
  const a = artefactLevel(maxPerGene(pairs.scale1, n, nGenes), notExpressed1, q);
  const b = artefactLevel(maxPerGene(pairs.scale2, n, nGenes), notExpressed2, q);
  return Math.max(1e-10, Math.max(a, b) / nGenes);
}
