/**
 * Training history: metric name → per-epoch values.
 * @module
 */

/** Metric name → one value per epoch in which it was logged (NaN where it was not). */
export type History = Record<string, number[]>;

/** Appends one epoch's metrics, padding metrics missing this epoch (or new ones) with NaN. */
export function appendEpoch(history: History, epoch: number, metrics: Record<string, number>): void {
  for (const [name, value] of Object.entries(metrics)) {
    const series = (history[name] ??= []);
    while (series.length < epoch) series.push(Number.NaN);
    series.push(value);
  }
  for (const series of Object.values(history)) while (series.length < epoch + 1) series.push(Number.NaN);
}

/** The history as CSV: an `epoch` column and one column per metric. */
export function historyToCsv(history: History): string {
  const names = Object.keys(history);
  const rows = Math.max(0, ...names.map((n) => history[n]!.length));
  const lines = [["epoch", ...names].join(",")];
  for (let i = 0; i < rows; i++) {
    lines.push([String(i), ...names.map((n) => formatNumber(history[n]![i]))].join(","));
  }
  return lines.join("\n") + "\n";
}

function formatNumber(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? "" : String(v);
}
