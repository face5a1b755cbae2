/**
 * Trainer callbacks, and `EarlyStopping`.
 * @module
 */
import type { History } from "./history.js";

/** What a callback sees at the end of an epoch. */
export interface EpochContext {
  /** The epoch just finished (0-based). */
  epoch: number;
  /** Its metrics (train, and validation when it ran). */
  metrics: Readonly<Record<string, number>>;
  /** The history so far. */
  history: Readonly<History>;
}

/** A hook into the training loop. Returning `"stop"` from `onEpochEnd` ends training. */
export interface Callback {
  /** Before the first epoch. */
  onTrainStart?(): void;
  /** After each epoch (and its validation, when it ran). */
  onEpochEnd?(context: EpochContext): void | "stop";
  /** After the last epoch, also when training stopped early or failed. */
  onTrainEnd?(): void;
}

/** `max` for ELBO metrics (higher is better), `min` for losses. */
export function defaultMode(metric: string): "min" | "max" {
  return metric.startsWith("elbo") ? "max" : "min";
}

/** Options of {@link EarlyStopping}. */
export interface EarlyStoppingOptions {
  /** The metric to watch (default `elbo_validation`). */
  monitor?: string;
  /** Checks without improvement before stopping (default 45, scvi-tools' default). */
  patience?: number;
  /** The least change that counts as an improvement (default 0). */
  minDelta?: number;
  /**
   * Whether lower (`min`) or higher (`max`) values are better. Default: `max` for ELBO metrics
   * (`elbo_*`, a bound to maximise), `min` for everything else (losses).
   */
  mode?: "min" | "max";
}

/**
 * Stops training when the monitored metric has not improved by more than `minDelta` for
 * `patience` consecutive checks (PyTorch Lightning's semantics, which scvi-tools uses), or
 * when it is not finite. Epochs without the metric (no validation that epoch) are not checks.
 */
export class EarlyStopping implements Callback {
  /** The watched metric. */
  readonly monitor: string;
  /** Checks without improvement before stopping. */
  readonly patience: number;
  /** The least change that counts as an improvement (absolute). */
  readonly minDelta: number;
  /** Whether the metric should go down (`min`) or up (`max`). */
  readonly mode: "min" | "max";
  /** The best value seen. */
  best = Number.NaN;
  /** Checks since the last improvement. */
  waitCount = 0;
  /** The epoch at which training was stopped, if it was. */
  stoppedEpoch: number | undefined;
  /** Why training stopped, if it did. */
  reason: string | undefined;

  constructor(options: EarlyStoppingOptions = {}) {
    this.monitor = options.monitor ?? "elbo_validation";
    this.patience = options.patience ?? 45;
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.mode = options.mode ?? defaultMode(this.monitor);
    if (!Number.isInteger(this.patience) || this.patience < 1) {
      throw new Error(`EarlyStopping: patience must be a positive integer, got ${options.patience}`);
    }
  }

  onTrainStart(): void {
    this.best = Number.NaN;
    this.waitCount = 0;
    this.stoppedEpoch = undefined;
    this.reason = undefined;
  }

  onEpochEnd({ epoch, metrics }: EpochContext): void | "stop" {
    const current = metrics[this.monitor];
    if (current === undefined) return;
    if (!Number.isFinite(current)) {
      return this.stop(epoch, `${this.monitor} = ${current} is not finite`);
    }
    const improved =
      Number.isNaN(this.best) ||
      (this.mode === "min" ? current < this.best - this.minDelta : current > this.best + this.minDelta);
    if (improved) {
      this.best = current;
      this.waitCount = 0;
      return;
    }
    this.waitCount += 1;
    if (this.waitCount >= this.patience) {
      return this.stop(epoch, `${this.monitor} did not improve in the last ${this.patience} checks (best ${this.best.toPrecision(6)})`);
    }
  }

  private stop(epoch: number, reason: string): "stop" {
    this.stoppedEpoch = epoch;
    this.reason = reason;
    return "stop";
  }
}
