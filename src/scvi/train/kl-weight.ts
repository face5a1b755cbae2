/**
 * The KL warm-up schedule of scvi-tools' training plans.
 *
 * The weight rises linearly from `minKlWeight` at epoch (or step) 0 to `maxKlWeight` at
 * `nEpochsKlWarmup` (or `nStepsKlWarmup`), then stays there. Epochs take precedence when both
 * are given.
 *
 * Note, as in scvi-tools (their issue #1569): with the default 400 warm-up epochs and a run of
 * at most 400 epochs the weight never reaches `maxKlWeight`; the training plans warn when the
 * warm-up is longer than the run.
 *
 * @module
 */

/** Options of {@link computeKlWeight}. */
export interface KlWarmupOptions {
  /** Epochs of warm-up (takes precedence over steps); null/undefined/0: none. */
  nEpochsKlWarmup?: number | null;
  /** Steps (minibatches) of warm-up, used when `nEpochsKlWarmup` is not set. */
  nStepsKlWarmup?: number | null;
  /** The weight after warm-up (default 1). */
  maxKlWeight?: number;
  /** The weight at the start of warm-up (default 0). */
  minKlWeight?: number;
}

/** The KL weight at a given epoch and global step. */
export function computeKlWeight(epoch: number, step: number, options: KlWarmupOptions): number {
  const max = options.maxKlWeight ?? 1;
  const min = options.minKlWeight ?? 0;
  if (min > max) throw new Error(`minKlWeight=${min} is larger than maxKlWeight=${max}`);
  const slope = max - min;
  if (options.nEpochsKlWarmup) {
    if (epoch < options.nEpochsKlWarmup) return slope * (epoch / options.nEpochsKlWarmup) + min;
  } else if (options.nStepsKlWarmup) {
    if (step < options.nStepsKlWarmup) return slope * (step / options.nStepsKlWarmup) + min;
  }
  return max;
}

/**
 * A warning text when the warm-up does not finish within the run (scvi-tools' trap), or
 * undefined when it does.
 */
export function warmupWarning(options: KlWarmupOptions, maxEpochs: number, stepsPerEpoch: number): string | undefined {
  const max = options.maxKlWeight ?? 1;
  if (options.nEpochsKlWarmup) {
    if (options.nEpochsKlWarmup >= maxEpochs) {
      const last = computeKlWeight(maxEpochs - 1, 0, options);
      return (
        `KL warm-up lasts ${options.nEpochsKlWarmup} epochs but training runs ${maxEpochs}: ` +
        `the KL weight ends at ${last.toFixed(3)}, not ${max}. Set nEpochsKlWarmup below maxEpochs (or to 0) for a full ELBO.`
      );
    }
  } else if (options.nStepsKlWarmup) {
    const totalSteps = maxEpochs * stepsPerEpoch;
    if (options.nStepsKlWarmup >= totalSteps) {
      return `KL warm-up lasts ${options.nStepsKlWarmup} steps but training runs ${totalSteps}: the KL weight never reaches ${max}.`;
    }
  }
  return undefined;
}
