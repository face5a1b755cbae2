/**
 * How well an embedding recovers known cell types: k-means with as many clusters as types,
 * scored by ARI and NMI against the types.
 *
 * @module
 */
import { adjustedRandIndex } from "./ari.js";
import { kmeans, type KMeansOptions } from "./kmeans.js";
import { encodeLabels, type Labels } from "./labels.js";
import { normalizedMutualInfo } from "./nmi.js";
import type { RowMatrix } from "./points.js";

/** What {@link clusteringScores} returns. */
export interface ClusteringScores {
  /** Adjusted Rand index of the k-means clusters against the labels. */
  ari: number;
  /** Normalized mutual information (arithmetic) of the clusters against the labels. */
  nmi: number;
  /** Clusters used (the number of distinct labels). */
  k: number;
  /** The k-means cluster of each row. */
  clusters: Int32Array;
}

/**
 * Clusters `embedding` by k-means with k = the number of distinct `labels` and scores the
 * clusters against the labels.
 *
 * @example
 * ```ts
 * const { ari, nmi } = clusteringScores(model.getLatentRepresentation(), cellTypes, { seed: 0 });
 * ```
 */
export function clusteringScores(embedding: RowMatrix, labels: Labels, options: KMeansOptions = {}): ClusteringScores {
  if (labels.length !== embedding.shape[0]) {
    throw new Error(`clusteringScores: ${embedding.shape[0]} rows but ${labels.length} labels`);
  }
  const k = encodeLabels(labels).classes.length;
  const { labels: clusters } = kmeans(embedding, k, options);
  return { ari: adjustedRandIndex(labels, clusters), nmi: normalizedMutualInfo(labels, clusters), k, clusters };
}
