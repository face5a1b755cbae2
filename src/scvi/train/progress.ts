/**
 * The training progress display on stderr: a redrawn bar when stderr is a terminal, a line
 * every few epochs otherwise, nothing when disabled.
 * @module
 */

/** Where progress goes (stderr by default; tests pass their own). */
export interface ProgressSink {
  /** Whether the sink is an interactive terminal. */
  isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  const sec = Math.round(s - m * 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, "0")}s` : `${s.toFixed(1)}s`;
}

/** Reports epoch i/N, the loss and the time left. */
export class ProgressBar {
  private readonly start = Date.now();
  private readonly every: number;

  /** @param sink where progress goes; undefined draws nothing (no default: `undefined` means off). */
  constructor(
    private readonly maxEpochs: number,
    private readonly sink: ProgressSink | undefined,
  ) {
    this.every = Math.max(1, Math.round(maxEpochs / 20));
  }

  /** Reports the end of `epoch` (0-based) with its metrics. */
  update(epoch: number, metrics: Readonly<Record<string, number>>): void {
    if (!this.sink) return;
    const done = epoch + 1;
    const elapsed = (Date.now() - this.start) / 1000;
    const left = (elapsed / done) * (this.maxEpochs - done);
    const loss = metrics.train_loss ?? metrics.elbo_train;
    const val = metrics.elbo_validation;
    const text =
      `Epoch ${done}/${this.maxEpochs}` +
      (loss !== undefined ? ` train_loss=${loss.toPrecision(5)}` : "") +
      (val !== undefined ? ` elbo_validation=${val.toPrecision(5)}` : "") +
      ` ${formatSeconds(elapsed / done)}/epoch, ${formatSeconds(left)} left`;
    if (this.sink.isTTY) {
      const width = 24;
      const filled = Math.round((done / this.maxEpochs) * width);
      this.sink.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${text}\x1b[K`);
    } else if (done % this.every === 0 || done === this.maxEpochs || done === 1) {
      this.sink.write(`${text}\n`);
    }
  }

  /** Ends the display (a newline after a terminal bar; a note when training stopped early). */
  finish(note?: string): void {
    if (!this.sink) return;
    if (this.sink.isTTY) this.sink.write("\n");
    if (note) this.sink.write(`${note}\n`);
  }
}
