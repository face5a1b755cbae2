/** The metrics fixture written by scripts/fixtures/gen_metrics.py (SciPy/NumPy references). */
import { readFileSync } from "node:fs";

export interface LabelCase {
  name: string;
  true: (number | string)[];
  pred: (number | string)[];
  ari: number;
  nmi: number;
  mi: number;
}

export interface PcaCase {
  name: string;
  shape: [number, number];
  nComps: number;
  counts: number[];
  logNormalized: number[];
  singularValues: number[];
  components: number[];
  scores: number[];
  explainedVariance: number[];
  mean: number[];
}

export interface EntropyCase {
  name: string;
  shape: [number, number];
  points: number[];
  batches: number[];
  k: number;
  entropy: number;
  normalized: number;
}

export const fixture = JSON.parse(readFileSync(new URL("../../fixtures/metrics.json", import.meta.url), "utf8")) as {
  labels: LabelCase[];
  pca: PcaCase[];
  batchEntropy: EntropyCase[];
};
