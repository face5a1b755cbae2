/**
 * `LossOutput`: what a plain module's `loss` returns — the loss to minimise and the parts of
 * the ELBO that the training plan logs, reduced as scvi-tools reduces them.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A loss part: one tensor, or several named ones that are summed. */
export type LossRecord = tf.Tensor | Readonly<Record<string, tf.Tensor>>;

/** Constructor fields of {@link LossOutput}. */
export interface LossOutputInit {
  /** The scalar loss of the minibatch (what the optimiser minimises). */
  loss: LossRecord;
  /** Per-cell reconstruction loss (negative log-likelihood), shape `[nObs]`. */
  reconstructionLoss?: LossRecord;
  /** Per-cell KL divergence of the local latents, shape `[nObs]`. */
  klLocal?: LossRecord;
  /** KL divergence of global parameters (a scalar), counted once per dataset. */
  klGlobal?: LossRecord;
  /** Extra scalars to log (each under `<key>_train` / `<key>_validation`). */
  extraMetrics?: Record<string, tf.Tensor | number>;
  /** Cells in the minibatch; inferred from `reconstructionLoss` when omitted. */
  nObsMinibatch?: number;
}

function sumRecord(record: LossRecord): tf.Tensor {
  if (record instanceof tf.Tensor) return record;
  const parts = Object.values(record);
  if (parts.length === 0) throw new Error("LossOutput: an empty loss record");
  return parts.length === 1 ? parts[0]! : tf.addN(parts.map((p) => p));
}

function asRecord(record: LossRecord | undefined, name: string, fallback: () => tf.Tensor): Record<string, tf.Tensor> {
  if (record === undefined) return { [name]: fallback() };
  return record instanceof tf.Tensor ? { [name]: record } : { ...record };
}

/**
 * The loss of a minibatch and its ELBO parts. Per-cell parts are summed here
 * (`reconstructionLossSum`, `klLocalSum`); the training plan divides the epoch's sums by the
 * number of cells, so logged metrics are per-cell averages, as in scvi-tools.
 *
 * @example
 * ```ts
 * return new LossOutput({ loss: tf.mean(tf.add(rec, tf.mul(klWeight, kl))), reconstructionLoss: rec, klLocal: kl });
 * ```
 */
export class LossOutput {
  /** The scalar loss. */
  readonly loss: tf.Scalar;
  /** Named per-cell reconstruction losses. */
  readonly reconstructionLoss: Record<string, tf.Tensor>;
  /** Named per-cell local KL terms. */
  readonly klLocal: Record<string, tf.Tensor>;
  /** Named global KL terms. */
  readonly klGlobal: Record<string, tf.Tensor>;
  /** Extra metrics. */
  readonly extraMetrics: Record<string, tf.Tensor | number>;
  /** Cells in the minibatch. */
  readonly nObsMinibatch: number;
  /** Sum over cells (and records) of the reconstruction loss. */
  readonly reconstructionLossSum: tf.Scalar;
  /** Sum over cells (and records) of the local KL. */
  readonly klLocalSum: tf.Scalar;
  /** Sum of the global KL terms. */
  readonly klGlobalSum: tf.Scalar;

  constructor(init: LossOutputInit) {
    const loss = sumRecord(init.loss);
    if (loss.size !== 1) throw new Error(`LossOutput: loss must be a scalar, got shape [${loss.shape.join(", ")}]`);
    this.loss = loss.reshape([]) as tf.Scalar;
    if (init.nObsMinibatch === undefined && init.reconstructionLoss === undefined) {
      throw new Error("LossOutput: give nObsMinibatch or reconstructionLoss");
    }
    const zero = () => tf.zeros([]);
    this.reconstructionLoss = asRecord(init.reconstructionLoss, "reconstructionLoss", zero);
    this.klLocal = asRecord(init.klLocal, "klLocal", zero);
    this.klGlobal = asRecord(init.klGlobal, "klGlobal", zero);
    this.extraMetrics = { ...init.extraMetrics };
    this.reconstructionLossSum = tf.sum(sumRecord(this.reconstructionLoss)) as tf.Scalar;
    this.klLocalSum = tf.sum(sumRecord(this.klLocal)) as tf.Scalar;
    this.klGlobalSum = tf.sum(sumRecord(this.klGlobal)) as tf.Scalar;
    const firstRec = Object.values(this.reconstructionLoss)[0]!;
    this.nObsMinibatch = init.nObsMinibatch ?? (firstRec.rank > 0 ? firstRec.shape[0]! : 1);
  }
}
