/**
 * `DataSplitter`: train / validation / test cells, seeded (scvi-tools' `DataSplitter` and
 * `validate_data_split`).
 *
 * @module
 */
import { nextSeed, RandomStream } from "../../../backend/random.js";
import type { AnnDataManager } from "../manager/anndata-manager.js";
import { range } from "../selection.js";
import { AnnDataLoader, type AnnDataLoaderOptions } from "./anndata-loader.js";
import { shuffleInPlace } from "./shuffle.js";

/** The default minibatch size (scvi-tools' `settings.batch_size`). */
export const DEFAULT_BATCH_SIZE = 128;

/** Sizes of the training and validation sets (the test set takes the rest). */
export interface SplitSizes {
  /** Cells in the training set. */
  nTrain: number;
  /** Cells in the validation set. */
  nVal: number;
}

/**
 * scvi-tools' `validate_data_split`: `nTrain = ceil(trainSize · n)`, `nVal` from
 * `validationSize` (`floor(validationSize · n)`) or the rest. When the last training batch
 * would hold 1 or 2 cells (`nTrain % batchSize` in {1, 2}) and `dropLast` is off, those
 * cells move to the validation set if `trainSizeIsDefault` (the user did not choose the
 * training size; BatchNorm cannot train on a batch of one or two) and only a warning is given
 * otherwise. When the validation set is empty the moved cells end up in the test set.
 */
export function validateDataSplit(
  nSamples: number,
  trainSize: number,
  validationSize: number | undefined,
  batchSize: number | undefined,
  dropLast: boolean,
  trainSizeIsDefault: boolean,
): SplitSizes {
  if (!(trainSize > 0 && trainSize <= 1)) throw new Error(`Invalid trainSize ${trainSize}. Must be: 0 < trainSize <= 1`);
  let nTrain = Math.ceil(trainSize * nSamples);
  let nVal: number;
  if (validationSize === undefined) {
    nVal = nSamples - nTrain;
  } else if (!(validationSize >= 0 && validationSize < 1)) {
    throw new Error(`Invalid validationSize ${validationSize}. Must be 0 <= validationSize < 1`);
  } else if (trainSize + validationSize > 1) {
    throw new Error(`trainSize + validationSize must be between 0 and 1, got ${trainSize} + ${validationSize}`);
  } else {
    nVal = Math.floor(nSamples * validationSize);
  }
  if (nTrain === 0) {
    throw new Error(
      `With nSamples=${nSamples}, trainSize=${trainSize} and validationSize=${validationSize}, the training set would be empty`,
    );
  }
  if (batchSize !== undefined) {
    const stray = nTrain % batchSize;
    if (stray > 0 && stray < 3 && !dropLast) {
      if (!trainSizeIsDefault) {
        console.warn(
          `scvi-ts: the last training batch will hold only ${stray} cell(s); consider another batchSize than ${batchSize}`,
        );
      } else {
        nTrain -= stray;
        if (nVal > 0) {
          nVal += stray;
          console.warn(`scvi-ts: ${stray} cell(s) moved from the training set to the validation set; pass trainSize to avoid it`);
        }
      }
    }
  }
  return { nTrain, nVal };
}

/** Train / validation / test positions given by the caller. */
export type ExternalIndexing = [ArrayLike<number>, ArrayLike<number>?, ArrayLike<number>?];

/**
 * scvi-tools' `validate_data_split_with_external_indexing`: the three sets must be free of
 * duplicates, disjoint, in range, and cover every cell; a last training batch of 1–2 cells
 * gives a warning.
 */
export function validateExternalIndexing(
  nSamples: number,
  indexing: ExternalIndexing,
  batchSize: number | undefined,
  dropLast: boolean,
): [Int32Array, Int32Array, Int32Array] {
  const names = ["train", "validation", "test"];
  const sets = [0, 1, 2].map((s) => Int32Array.from(indexing[s] ?? []));
  const owner = new Int32Array(nSamples).fill(-1);
  sets.forEach((set, s) => {
    for (const i of set) {
      if (!Number.isInteger(i) || i < 0 || i >= nSamples) throw new Error(`${names[s]} index ${i} is out of range [0, ${nSamples})`);
      if (owner[i] === s) throw new Error(`there are duplicate indices in the ${names[s]} set (cell ${i})`);
      if (owner[i] >= 0) throw new Error(`the ${names[owner[i]]} and ${names[s]} sets overlap (cell ${i})`);
      owner[i] = s;
    }
  });
  const missing = owner.indexOf(-1);
  if (missing >= 0) throw new Error(`cell ${missing} is in no set; the external indexing must cover all ${nSamples} cells`);
  if (batchSize !== undefined) {
    const stray = sets[0].length % batchSize;
    if (stray > 0 && stray < 3 && !dropLast) {
      console.warn(`scvi-ts: the last training batch will hold only ${stray} cell(s); consider another batchSize than ${batchSize}`);
    }
  }
  return sets as [Int32Array, Int32Array, Int32Array];
}

/** Options of {@link DataSplitter}. */
export interface DataSplitterOptions {
  /** Fraction of cells for training; default 0.9, with the stray-cell rule of {@link validateDataSplit}. */
  trainSize?: number;
  /** Fraction for validation (default: all cells not used for training). */
  validationSize?: number;
  /** Shuffle the cells before splitting (default true). */
  shuffleSetSplit?: boolean;
  /** Minibatch size of the loaders (default 128). */
  batchSize?: number;
  /** Drop the last incomplete training minibatch (default false). */
  dropLast?: boolean;
  /** Use these train / validation / test positions instead of a random split. */
  externalIndexing?: ExternalIndexing;
  /** Seed of the split (default: a seed drawn from the global stream, see `setSeed`). */
  seed?: number | string;
}

/**
 * Splits the registered cells into training, validation and test sets and builds their
 * {@link AnnDataLoader}s (training shuffled each epoch; validation and test in order).
 * Validation takes the first `nVal` cells of the seeded permutation, training the next
 * `nTrain`, test the rest, as in scvi-tools.
 *
 * @example
 * ```ts
 * const splitter = new DataSplitter(manager, { seed: 0 });
 * for (const batch of splitter.trainDataloader()) { ... }
 * ```
 */
export class DataSplitter {
  /** Positions of the training cells. */
  readonly trainIndices: Int32Array;
  /** Positions of the validation cells (the first of the seeded permutation). */
  readonly validationIndices: Int32Array;
  /** Positions of the test cells (the rest). */
  readonly testIndices: Int32Array;
  /** Cells per minibatch of the loaders. */
  readonly batchSize: number;
  /** Whether the training loader drops its last, incomplete minibatch. */
  readonly dropLast: boolean;
  private readonly stream: RandomStream;

  constructor(
    /** The manager whose registered cells are split. */
    readonly manager: AnnDataManager,
    options: DataSplitterOptions = {},
  ) {
    const adata = manager.adata;
    if (!adata) throw new Error("DataSplitter: the manager has no registered AnnData; call registerFields first");
    const n = adata.nObs;
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.dropLast = options.dropLast ?? false;
    this.stream = new RandomStream(options.seed ?? nextSeed());
    if (options.externalIndexing) {
      [this.trainIndices, this.validationIndices, this.testIndices] = validateExternalIndexing(
        n,
        options.externalIndexing,
        this.batchSize,
        this.dropLast,
      );
      return;
    }
    const trainSizeIsDefault = !options.trainSize;
    const { nTrain, nVal } = validateDataSplit(
      n,
      trainSizeIsDefault ? 0.9 : (options.trainSize as number),
      options.validationSize,
      this.batchSize,
      this.dropLast,
      trainSizeIsDefault,
    );
    const order = range(n);
    if (options.shuffleSetSplit ?? true) shuffleInPlace(order, this.stream);
    this.validationIndices = order.slice(0, nVal);
    this.trainIndices = order.slice(nVal, nVal + nTrain);
    this.testIndices = order.slice(nVal + nTrain);
  }

  private loader(indices: Int32Array, options: AnnDataLoaderOptions): AnnDataLoader {
    return new AnnDataLoader(this.manager, { batchSize: this.batchSize, seed: this.stream.nextSeed(), ...options, indices });
  }

  /** The training loader: shuffled every epoch, `dropLast` as configured. */
  trainDataloader(options: Omit<AnnDataLoaderOptions, "indices"> = {}): AnnDataLoader {
    return this.loader(this.trainIndices, { shuffle: true, dropLast: this.dropLast, ...options });
  }

  /** The validation loader (in order), or undefined when the set is empty. */
  validationDataloader(options: Omit<AnnDataLoaderOptions, "indices"> = {}): AnnDataLoader | undefined {
    return this.validationIndices.length ? this.loader(this.validationIndices, { shuffle: false, dropLast: false, ...options }) : undefined;
  }

  /** The test loader (in order), or undefined when the set is empty. */
  testDataloader(options: Omit<AnnDataLoaderOptions, "indices"> = {}): AnnDataLoader | undefined {
    return this.testIndices.length ? this.loader(this.testIndices, { shuffle: false, dropLast: false, ...options }) : undefined;
  }
}
