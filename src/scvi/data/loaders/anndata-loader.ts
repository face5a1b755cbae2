/**
 * `AnnDataLoader`: minibatches of registered data as tensors (scvi-tools' `AnnDataLoader`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed, RandomStream } from "../../../backend/random.js";
import type { AnnDataManager } from "../manager/anndata-manager.js";
import type { Matrix } from "../matrix/matrix.js";
import { range, toIndices } from "../selection.js";
import { shuffleInPlace } from "./shuffle.js";

/** Options of {@link AnnDataLoader}. */
export interface AnnDataLoaderOptions {
  /** The cells to load (positions or a mask; default all). */
  indices?: ArrayLike<number> | ArrayLike<boolean>;
  /** Cells per minibatch (default 128). */
  batchSize?: number;
  /** Visit the cells in a new random order every epoch (default false). */
  shuffle?: boolean;
  /** Drop the last, incomplete minibatch (default false). */
  dropLast?: boolean;
  /** Seed of the shuffling stream (default: a seed drawn from the global stream, see `setSeed`). */
  seed?: number | string;
  /** The registry keys to load (default: every key in the data registry). */
  keys?: readonly string[];
}

/**
 * Iterates minibatches of the data registered with an {@link AnnDataManager}: each is a
 * `Record<registryKey, tf.Tensor2D>` of float32 tensors, `[batch, nVars]` for `X`, `[batch, 1]`
 * for `obs` fields (category codes as floats, as scvi-tools' loaders did), `[batch, k]` for
 * joint and `obsm` fields. Sparse rows are densified one minibatch at a time, by copying the
 * rows in JavaScript into a `Float32Array` and calling `tf.tensor2d`.
 *
 * **Ownership:** the loader owns the tensors it yields. Requesting the next minibatch, ending
 * the loop, or leaving it with `break` / `return` / an exception disposes the current
 * minibatch's tensors; keep results computed from them, not the tensors themselves (or
 * `clone()` what must outlive the step). Each `for ... of` is one epoch; with `shuffle`, each
 * epoch draws a new order from the loader's seeded stream.
 *
 * @example
 * ```ts
 * const loader = new AnnDataLoader(manager, { batchSize: 128, shuffle: true, seed: 0 });
 * for (const batch of loader) {
 *   const loss = tf.tidy(() => model.loss(batch[REGISTRY_KEYS.X_KEY], batch[REGISTRY_KEYS.BATCH_KEY]));
 * }
 * ```
 */
export class AnnDataLoader implements Iterable<Record<string, tf.Tensor2D>> {
  /** The cells this loader visits, in their unshuffled order. */
  readonly indices: Int32Array;
  /** Cells per minibatch. */
  readonly batchSize: number;
  /** Whether each epoch visits the cells in a new random order. */
  readonly shuffle: boolean;
  /** Whether the last, incomplete minibatch is dropped. */
  readonly dropLast: boolean;
  /** The registry keys each minibatch holds. */
  readonly keys: readonly string[];
  private readonly stream: RandomStream;

  constructor(
    /** The manager whose registered data the loader reads. */
    readonly manager: AnnDataManager,
    options: AnnDataLoaderOptions = {},
  ) {
    const adata = manager.adata;
    if (!adata) throw new Error("AnnDataLoader: the manager has no registered AnnData; call registerFields first");
    this.indices = options.indices === undefined ? range(adata.nObs) : toIndices(options.indices, adata.nObs, "loader");
    this.batchSize = options.batchSize ?? 128;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) {
      throw new Error(`AnnDataLoader: batchSize must be a positive integer, got ${this.batchSize}`);
    }
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    const registered = Object.keys(manager.dataRegistry);
    this.keys = options.keys ? [...options.keys] : registered;
    for (const k of this.keys) {
      if (!registered.includes(k)) throw new Error(`AnnDataLoader: '${k}' is not in the data registry; registered: ${registered.join(", ")}`);
    }
    this.stream = new RandomStream(options.seed ?? nextSeed());
  }

  /** Number of cells visited per epoch (after `dropLast`). */
  get nObs(): number {
    return this.dropLast ? this.length * this.batchSize : this.indices.length;
  }

  /** Number of minibatches per epoch. */
  get length(): number {
    const n = this.indices.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The cell order of the next epoch (advances the shuffling stream when shuffling). */
  private epochOrder(): Int32Array {
    const order = Int32Array.from(this.indices);
    return this.shuffle ? shuffleInPlace(order, this.stream) : order;
  }

  /** One epoch of minibatches; see the class comment for who disposes them. */
  *[Symbol.iterator](): Generator<Record<string, tf.Tensor2D>, void, undefined> {
    this.manager.validate();
    const data: [string, Matrix][] = this.keys.map((k) => [k, this.manager.getFromRegistry(k)]);
    const order = this.epochOrder();
    const nBatches = this.length;
    let current: tf.Tensor[] = [];
    try {
      for (let b = 0; b < nBatches; b++) {
        const rows = order.subarray(b * this.batchSize, Math.min((b + 1) * this.batchSize, order.length));
        const batch: Record<string, tf.Tensor2D> = {};
        for (const [key, m] of data) {
          batch[key] = tf.tensor2d(m.rows(rows), [rows.length, m.shape[1]], "float32");
        }
        current = Object.values(batch);
        yield batch;
        tf.dispose(current);
        current = [];
      }
    } finally {
      tf.dispose(current);
    }
  }
}
