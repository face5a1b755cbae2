/**
 * Learning-rate schedules with torch's semantics: {@link StepLR}, {@link ExponentialLR} and
 * {@link ReduceLROnPlateau}. A schedule changes its optimizer's `lr` when `step(metric?)` is
 * called (once per epoch, after the optimizer's updates, as in torch).
 *
 * @module
 */
import type { Optimizer } from "./optimizer.js";

/** A schedule's counters as plain data. */
export type SchedulerState = Readonly<Record<string, number>>;

/** What every schedule provides. */
export interface LRScheduler {
  /** The optimizer whose `lr` the schedule changes. */
  readonly optimizer: Optimizer;
  /** Advances the schedule by one epoch; `ReduceLROnPlateau` needs the metric. */
  step(metric?: number): void;
  /** The counters, as plain data. */
  getState(): SchedulerState;
  /** Restores counters written by `getState`. */
  setState(state: SchedulerState): void;
}

function positiveInteger(kind: string, name: string, value: number): number {
  if (!(Number.isInteger(value) && value >= 1)) throw new Error(`${kind}: ${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(kind: string, name: string, value: number): number {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${kind}: ${name} must be a finite number >= 0, got ${value}`);
  return value;
}

function numberField(state: SchedulerState, key: string, kind: string): number {
  const v = state[key];
  if (typeof v !== "number") throw new Error(`${kind}.setState: missing '${key}'`);
  return v;
}

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies the learning rate by `gamma` every `stepSize` epochs (torch's `StepLR`).
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) { train(); sched.step(); }
 * ```
 */
export class StepLR implements LRScheduler {
  /** Epochs between decays. */
  readonly stepSize: number;
  /** Decay factor. */
  readonly gamma: number;
  private lastEpoch = 0;

  constructor(
    readonly optimizer: Optimizer,
    options: StepLROptions,
  ) {
    this.stepSize = positiveInteger("StepLR", "stepSize", options.stepSize);
    this.gamma = nonNegative("StepLR", "gamma", options.gamma ?? 0.1);
  }

  step(): void {
    this.lastEpoch += 1;
    if (this.lastEpoch % this.stepSize === 0) this.optimizer.lr *= this.gamma;
  }

  getState(): SchedulerState {
    return { lastEpoch: this.lastEpoch };
  }

  setState(state: SchedulerState): void {
    this.lastEpoch = numberField(state, "lastEpoch", "StepLR");
  }
}

/**
 * Multiplies the learning rate by `gamma` every epoch (torch's `ExponentialLR`).
 *
 * @example
 * ```ts
 * const sched = new ExponentialLR(opt, { gamma: 0.99 });
 * ```
 */
export class ExponentialLR implements LRScheduler {
  /** Decay factor per epoch. */
  readonly gamma: number;
  private lastEpoch = 0;

  constructor(
    readonly optimizer: Optimizer,
    options: { gamma: number },
  ) {
    this.gamma = nonNegative("ExponentialLR", "gamma", options.gamma);
  }

  step(): void {
    this.lastEpoch += 1;
    this.optimizer.lr *= this.gamma;
  }

  getState(): SchedulerState {
    return { lastEpoch: this.lastEpoch };
  }

  setState(state: SchedulerState): void {
    this.lastEpoch = numberField(state, "lastEpoch", "ExponentialLR");
  }
}

/** Options of {@link ReduceLROnPlateau} (torch's names and defaults). */
export interface ReduceLROnPlateauOptions {
  /** Whether the metric should go down (`min`, default) or up (`max`). */
  mode?: "min" | "max";
  /** Multiplier of the learning rate on a plateau (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement tolerated before reducing (default 10). */
  patience?: number;
  /** Minimal change counted as an improvement (default 1e-4). */
  threshold?: number;
  /** `rel`: relative to the best value (default); `abs`: absolute. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** Lower bound of the learning rate (default 0). */
  minLr?: number;
  /** Reductions smaller than this are ignored (default 1e-8). */
  eps?: number;
}

/**
 * Reduces the learning rate by `factor` when the metric passed to `step(metric)` has not
 * improved for more than `patience` epochs (torch's `ReduceLROnPlateau`, same defaults and
 * the same improvement test, cooldown and `minLr`).
 *
 * @example
 * ```ts
 * const sched = new ReduceLROnPlateau(opt, { patience: 5, factor: 0.5 });
 * sched.step(validationLoss);
 * ```
 */
export class ReduceLROnPlateau implements LRScheduler {
  /** Direction of improvement. */
  readonly mode: "min" | "max";
  /** Reduction factor. */
  readonly factor: number;
  /** Bad epochs tolerated. */
  readonly patience: number;
  /** Improvement threshold. */
  readonly threshold: number;
  /** How `threshold` is applied. */
  readonly thresholdMode: "rel" | "abs";
  /** Cooldown epochs after a reduction. */
  readonly cooldown: number;
  /** Learning-rate floor. */
  readonly minLr: number;
  /** Smallest reduction that is applied. */
  readonly eps: number;
  private best: number;
  private numBadEpochs = 0;
  private cooldownCounter = 0;
  private lastEpoch = 0;

  constructor(
    readonly optimizer: Optimizer,
    options: ReduceLROnPlateauOptions = {},
  ) {
    this.mode = options.mode ?? "min";
    if (this.mode !== "min" && this.mode !== "max") throw new Error(`ReduceLROnPlateau: mode must be 'min' or 'max', got ${String(this.mode)}`);
    this.factor = options.factor ?? 0.1;
    if (!(this.factor >= 0 && this.factor < 1)) throw new Error(`ReduceLROnPlateau: factor must be in [0, 1), got ${this.factor}`);
    this.patience = nonNegative("ReduceLROnPlateau", "patience", options.patience ?? 10);
    this.threshold = nonNegative("ReduceLROnPlateau", "threshold", options.threshold ?? 1e-4);
    this.thresholdMode = options.thresholdMode ?? "rel";
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") {
      throw new Error(`ReduceLROnPlateau: thresholdMode must be 'rel' or 'abs', got ${String(this.thresholdMode)}`);
    }
    this.cooldown = nonNegative("ReduceLROnPlateau", "cooldown", options.cooldown ?? 0);
    this.minLr = nonNegative("ReduceLROnPlateau", "minLr", options.minLr ?? 0);
    this.eps = nonNegative("ReduceLROnPlateau", "eps", options.eps ?? 1e-8);
    this.best = this.mode === "min" ? Infinity : -Infinity;
  }

  private isBetter(a: number): boolean {
    const { best, threshold } = this;
    if (this.mode === "min") return this.thresholdMode === "rel" ? a < best * (1 - threshold) : a < best - threshold;
    return this.thresholdMode === "rel" ? a > best * (threshold + 1) : a > best + threshold;
  }

  /** Records the epoch's metric and reduces the learning rate on a plateau. */
  step(metric?: number): void {
    if (metric === undefined || Number.isNaN(metric)) {
      throw new Error(`ReduceLROnPlateau.step needs the metric to monitor, got ${String(metric)}`);
    }
    this.lastEpoch += 1;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      const old = this.optimizer.lr;
      const next = Math.max(old * this.factor, this.minLr);
      if (old - next > this.eps) this.optimizer.lr = next;
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
  }

  getState(): SchedulerState {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch };
  }

  setState(state: SchedulerState): void {
    this.best = numberField(state, "best", "ReduceLROnPlateau");
    this.numBadEpochs = numberField(state, "numBadEpochs", "ReduceLROnPlateau");
    this.cooldownCounter = numberField(state, "cooldownCounter", "ReduceLROnPlateau");
    this.lastEpoch = numberField(state, "lastEpoch", "ReduceLROnPlateau");
  }
}
