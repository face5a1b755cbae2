/**
 * Epoch metrics of the training plans: per-cell averages of the ELBO parts, accumulated over
 * the minibatches of one epoch, as scvi-tools' `ElboMetric` does.
 *
 * `elbo_<mode>` is the ELBO per cell, −(reconstruction loss + local KL + global KL / n): the
 * evidence lower bound itself, so higher is better. One name, one meaning: the same quantity
 * as the models' `getElbo`, on both module paths. (scvi-tools logs the negative of this under
 * the same name; here the losses keep loss names: `reconstruction_loss_*`, `kl_*`,
 * `train_loss`, `validation_loss`.)
 *
 * @module
 */

/** One minibatch's contribution (plain numbers, read once per step). */
export interface StepMetrics {
  /** The optimised loss of the step. */
  loss: number;
  /** Sum over the minibatch's cells of the reconstruction loss. */
  reconstructionLossSum: number;
  /** Sum over the minibatch's cells of the local KL. */
  klLocalSum: number;
  /** The global KL of the step. */
  klGlobal: number;
  /** Cells in the minibatch. */
  nObs: number;
  /** Extra metrics of the step, averaged over steps. */
  extra?: Record<string, number>;
}

/** Accumulates {@link StepMetrics} over an epoch. */
export class EpochMetrics {
  private lossSum = 0;
  private recSum = 0;
  private klLocalSum = 0;
  private klGlobalSum = 0;
  private nObs = 0;
  private steps = 0;
  private readonly extraSums = new Map<string, number>();

  /** Adds one step. */
  add(step: StepMetrics): void {
    this.lossSum += step.loss;
    this.recSum += step.reconstructionLossSum;
    this.klLocalSum += step.klLocalSum;
    this.klGlobalSum += step.klGlobal;
    this.nObs += step.nObs;
    this.steps += 1;
    for (const [k, v] of Object.entries(step.extra ?? {})) this.extraSums.set(k, (this.extraSums.get(k) ?? 0) + v);
  }

  /** Whether any step was added. */
  get isEmpty(): boolean {
    return this.steps === 0;
  }

  /**
   * The epoch's metrics with the `_<mode>` suffix: `elbo` (the per-cell ELBO, higher is better),
   * `reconstruction_loss`, `kl_local`, `kl_global` (per-cell averages of the losses;
   * `kl_global` averaged over steps), and the mean step loss as
   * `train_loss` (train) or `validation_loss` (validation).
   *
   * @param nTotal cells in the whole split, dividing the global KL inside `elbo`.
   */
  summary(mode: "train" | "validation", nTotal: number): Record<string, number> {
    if (this.steps === 0) return {};
    const rec = this.recSum / this.nObs;
    const klLocal = this.klLocalSum / this.nObs;
    const klGlobal = this.klGlobalSum / this.steps;
    const n = nTotal < 1 ? 1 : nTotal;
    const out: Record<string, number> = {
      [`elbo_${mode}`]: -(rec + klLocal + klGlobal / n),
      [`reconstruction_loss_${mode}`]: rec,
      [`kl_local_${mode}`]: klLocal,
      [`kl_global_${mode}`]: klGlobal,
      [`${mode}_loss`]: this.lossSum / this.steps,
    };
    for (const [k, v] of this.extraSums) out[`${k}_${mode}`] = v / this.steps;
    return out;
  }
}
