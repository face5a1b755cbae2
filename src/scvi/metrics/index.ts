/**
 * Metrics of an embedding: k-means clustering, the adjusted Rand index and normalized mutual
 * information against known labels, PCA of log-normalized counts as the baseline embedding,
 * and kNN batch-mixing entropy.
 *
 * @module
 */
export { type RowMatrix } from "./points.js";
export { encodeLabels, contingencyTable, type Labels, type Contingency } from "./labels.js";
export { adjustedRandIndex } from "./ari.js";
export { mutualInfo, normalizedMutualInfo, type NmiAverage } from "./nmi.js";
export { kmeans, type KMeansOptions, type KMeansResult } from "./kmeans.js";
export { truncatedSvd, jacobiSvd, type Svd, type TruncatedSvdOptions } from "./svd.js";
export { logNormalize, pca, type PcaOptions, type PcaResult } from "./pca.js";
export { nearestNeighbors } from "./knn.js";
export { batchMixingEntropy, type BatchEntropyOptions } from "./batch-entropy.js";
export { clusteringScores, type ClusteringScores } from "./clustering-scores.js";
