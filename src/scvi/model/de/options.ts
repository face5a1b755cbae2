/**
 * The options and the result records of differential expression (scvi-tools'
 * `differential_expression`, its `_de_core` and `DifferentialComputation.get_bayes_factors`).
 *
 * @module
 */

/** `vanilla` (Lopez et al. 2018: p(h1 > h2)) or `change` (Boyeau et al. 2019: p(|LFC| ≥ δ)). */
export type DeMode = "vanilla" | "change";

/** A value of the `groupby` column (matched against its categories by their printed form). */
export type GroupValue = string | number | boolean;

/** Cells given as indices into the registered data or as a boolean mask over all cells. */
export type CellSelector = ArrayLike<number> | ArrayLike<boolean>;

/** Options of `SCVI.differentialExpression` (scvi-tools' names in camelCase, same defaults). */
export interface DifferentialExpressionOptions {
  /** The `obs` column whose groups are compared (needed unless `idx1` is given). */
  groupby?: string;
  /**
   * The group(s) to test, each against `group2` (or against all other cells, "Rest").
   * Default: every group of `groupby`, one vs rest.
   */
  group1?: GroupValue | readonly GroupValue[];
  /** The reference group (default: the rest of the cells). */
  group2?: GroupValue;
  /** Cells of the first population (overrides `groupby`; no comparison columns then). */
  idx1?: CellSelector;
  /** Cells of the second population (default: all cells not in `idx1`). Cells in both go here. */
  idx2?: CellSelector;
  /** `vanilla` (default) or `change`. */
  mode?: DeMode;
  /**
   * |LFC| at which a change counts as DE in `change` mode (default 0.25); `null` estimates it
   * from a 3-component Gaussian mixture of the genes' mean LFCs, as scvi-tools does.
   */
  delta?: number | null;
  /** Minibatch size for the posterior draws (default 128). */
  batchSize?: number;
  /** Add raw-count statistics per group (default true). */
  allStats?: boolean;
  /**
   * Decode every draw in each batch of the model in turn and compare draws of the same batch
   * (default false: decode each cell in its own batch).
   */
  batchCorrection?: boolean;
  /** Batches to decode group 1 in (only with `batchCorrection`; default all). */
  batchid1?: readonly (string | number)[];
  /** Batches to decode group 2 in (only with `batchCorrection`; default all). */
  batchid2?: readonly (string | number)[];
  /** Posterior expected FDR the `change` mode's `is_de_fdr_<target>` calls control (default 0.05). */
  fdrTarget?: number;
  /** Posterior samples of the normalized expression per group (default 5000). */
  nSamplesOverall?: number;
  /** How draws are weighted when cells are resampled; only `uniform` (the default). */
  weights?: "uniform";
  /**
   * Offset added to the scales before the LFC in `change` mode. Default: estimated as
   * scvi-tools does, from the largest scales of genes not expressed in a group (tiny, ≥ 1e-10).
   */
  pseudocounts?: number;
  /** Mean raw count under which a gene counts as not expressed for that estimate (default 0.01). */
  thresholdCounts?: number;
  /** `three` (default): p(DE) = max(p(up), p(down)); `two`: p(up) + p(down). */
  testMode?: "two" | "three";
  /** Resample `mPermutation` pairs of draws instead of pairing them in order (default false). */
  usePermutation?: boolean;
  /** Pairs drawn with `usePermutation` (default 10000; split evenly over batches). */
  mPermutation?: number;
  /** Levels of highest-posterior-density intervals of the LFC to add (`change` mode). */
  credIntervalLvls?: readonly number[];
  /** Seed for this call's draws (default: the global stream that `setSeed` seeds). */
  seed?: number;
}

/** Raw-count statistics of both groups (`allStats`). */
export interface DeRawStats {
  /** Mean raw count in group 1. */
  raw_mean1: number;
  /** Mean raw count in group 2. */
  raw_mean2: number;
  /** Fraction of group 1's cells with a non-zero count. */
  non_zeros_proportion1: number;
  /** Fraction of group 2's cells with a non-zero count. */
  non_zeros_proportion2: number;
  /** Mean of count × 1e4 / the cell's total count, in group 1. */
  raw_normalized_mean1: number;
  /** The same in group 2. */
  raw_normalized_mean2: number;
}

/** The comparison a row belongs to (when groups come from `groupby`). */
export interface DeComparison {
  /** `"<group1> vs <group2>"` (`Rest` for one vs rest). */
  comparison: string;
  /** The tested group. */
  group1: string;
  /** The reference group, or `Rest`. */
  group2: string;
}

/** Columns common to both modes. */
export interface DeRecordBase extends Partial<DeRawStats>, Partial<DeComparison> {
  /** The gene (the table's index in scvi-tools). */
  gene: string;
  /** log p(M1) − log p(M2) (natural log, with 1e-8 added to each probability). */
  bayes_factor: number;
  /** Mean normalized expression of group 1 over its posterior draws. */
  scale1: number;
  /** Mean normalized expression of group 2 over its posterior draws. */
  scale2: number;
}

/** A row of `vanilla` mode. */
export interface VanillaDeRecord extends DeRecordBase {
  /** p(h1 > h2). */
  proba_m1: number;
  /** 1 − proba_m1. */
  proba_m2: number;
}

/** A row of `change` mode. */
export interface ChangeDeRecord extends DeRecordBase {
  /** p(|LFC| ≥ δ) per the test mode. */
  proba_de: number;
  /** 1 − proba_de. */
  proba_not_de: number;
  /** The offset added to the scales (given, or estimated). */
  pseudocounts: number;
  /** The |LFC| threshold used (given, or estimated). */
  delta: number;
  /** Posterior mean of log2(h1 / h2) (pseudocounts × 1e-3 added to both scales). */
  lfc_mean: number;
  /** Posterior median of the LFC. */
  lfc_median: number;
  /** Posterior standard deviation of the LFC (population formula, as NumPy's `std`). */
  lfc_std: number;
  /** Smallest sampled LFC. */
  lfc_min: number;
  /** Largest sampled LFC. */
  lfc_max: number;
  /** HPD interval bounds (`credIntervalLvls`) and the FDR call `is_de_fdr_<fdrTarget>`. */
  [column: `lfc_confidence_interval_${string}`]: number;
  [column: `is_de_fdr_${string}`]: boolean;
}

/** A row of either mode. */
export type DeRecord = VanillaDeRecord | ChangeDeRecord;

/** The record type `differentialExpression` returns for these options. */
export type DeResult<O extends DifferentialExpressionOptions> = O extends {
  /** `change` mode. */
  mode: "change";
}
  ? ChangeDeRecord
  : O extends
        | {
            /** `vanilla` mode. */
            mode: "vanilla";
          }
        | {
            /** The default mode (`vanilla`). */
            mode?: undefined;
          }
    ? VanillaDeRecord
    : DeRecord;
