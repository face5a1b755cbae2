/**
 * A dependency-free SVG line plot of training curves: the train and validation ELBO per
 * epoch (or any metrics of a history), with axes, ticks and a legend.
 *
 * @module
 */
import type { History } from "../train/history.js";

/** Options of {@link lossSvg}. */
export interface LossSvgOptions {
  /** History metrics to draw (default `elbo_train` and `elbo_validation`, those present). */
  metrics?: string[];
  /** Title at the top (default "ELBO per cell"). */
  title?: string;
  /**
   * `log` or `linear` y axis; `auto` (default) takes log when all values have one sign and
   * their magnitudes span over 20×. For negative values (an ELBO) the log axis is of the
   * magnitude, flipped so that higher values stay on top.
   */
  yScale?: "auto" | "log" | "linear";
  /** Width in pixels (default 640). */
  width?: number;
  /** Height in pixels (default 400). */
  height?: number;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];
const MARGIN = { left: 78, right: 20, top: 58, bottom: 50 };

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Ticks at 1, 2 or 5 × 10^e covering [lo, hi], about `target` of them. */
function niceTicks(lo: number, hi: number, target = 6): number[] {
  if (hi === lo) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function formatTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(1).replace(".0e", "e").replace("e+", "e");
  return Number(v.toPrecision(4)).toString();
}

/**
 * Draws the metrics of `history` against the epoch as an SVG document (a string). NaN
 * entries (epochs where a metric was not logged, e.g. validation every few epochs) are
 * skipped; each series is a polyline with a dot per logged epoch.
 *
 * @example
 * ```ts
 * await model.train({ maxEpochs: 100, checkValEveryNEpoch: 1 });
 * writeFileSync("loss.svg", lossSvg(model.history));
 * ```
 */
export function lossSvg(history: History, options: LossSvgOptions = {}): string {
  const wanted = options.metrics ?? ["elbo_train", "elbo_validation"].filter((m) => m in history);
  const series = wanted.map((name) => {
    const values = history[name];
    if (!values) throw new Error(`lossSvg: the history has no metric '${name}' (it has: ${Object.keys(history).join(", ") || "none"})`);
    const points = values.flatMap((v, epoch) => (Number.isFinite(v) ? [{ epoch: epoch + 1, v }] : []));
    return { name, points };
  });
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) throw new Error(`lossSvg: nothing to draw (metrics: ${wanted.join(", ") || "none"})`);
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;

  const vMin = Math.min(...all.map((p) => p.v));
  const vMax = Math.max(...all.map((p) => p.v));
  const scale = options.yScale ?? "auto";
  const oneSign = vMin > 0 || vMax < 0;
  const sign = vMax < 0 ? -1 : 1;
  const span = oneSign ? Math.max(Math.abs(vMin), Math.abs(vMax)) / Math.min(Math.abs(vMin), Math.abs(vMax)) : 0;
  const log = scale === "log" || (scale === "auto" && oneSign && span > 20);
  if (log && !oneSign) throw new Error(`lossSvg: a log y axis needs values of one sign, not zero (range ${vMin} to ${vMax})`);
  const ty = (v: number) => (log ? sign * Math.log10(sign * v) : v);
  let yLo = ty(vMin);
  let yHi = ty(vMax);
  if (yHi === yLo) {
    const pad = Math.abs(yLo) * 0.05 || 1;
    yLo -= pad;
    yHi += pad;
  }
  const pad = (yHi - yLo) * 0.04;
  yLo -= pad;
  yHi += pad;
  const eMax = Math.max(2, ...all.map((p) => p.epoch));
  const px = (epoch: number) => MARGIN.left + ((epoch - 1) / (eMax - 1)) * plotW;
  const py = (v: number) => MARGIN.top + (1 - (ty(v) - yLo) / (yHi - yLo)) * plotH;
  const f = (x: number) => x.toFixed(2);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  const title = options.title ?? "ELBO per cell";
  out.push(`<title>${escapeXml(title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${f(width / 2)}" y="22" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`);

  // Y ticks: 1, 2, 5 × 10^e on a log axis (powers of ten alone when those are enough).
  let yTicks: number[];
  if (log) {
    const candidates: number[] = [];
    const [eLo, eHi] = sign > 0 ? [yLo, yHi] : [-yHi, -yLo];
    for (let e = Math.floor(eLo); e <= Math.ceil(eHi); e++) for (const m of [1, 2, 5]) candidates.push(sign * m * 10 ** e);
    const inside = candidates.filter((v) => ty(v) >= yLo && ty(v) <= yHi);
    const decades = inside.filter((v) => Math.abs(Math.log10(sign * v) - Math.round(Math.log10(sign * v))) < 1e-12);
    yTicks = inside.length > 8 && decades.length >= 2 ? decades : inside;
  } else {
    yTicks = niceTicks(yLo, yHi);
  }
  for (const v of yTicks) {
    const y = f(py(v));
    out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${width - MARGIN.right}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(v))}</text>`);
  }
  for (const e of niceTicks(1, eMax).filter((e) => Number.isInteger(e) && e >= 1)) {
    const x = f(px(e));
    out.push(`<line x1="${x}" y1="${height - MARGIN.bottom}" x2="${x}" y2="${height - MARGIN.bottom + 5}" stroke="black"/>`);
    out.push(`<text x="${x}" y="${height - MARGIN.bottom + 18}" text-anchor="middle">${e}</text>`);
  }
  out.push(`<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${height - MARGIN.bottom}" stroke="black"/>`);
  out.push(`<line x1="${MARGIN.left}" y1="${height - MARGIN.bottom}" x2="${width - MARGIN.right}" y2="${height - MARGIN.bottom}" stroke="black"/>`);
  out.push(`<text x="${f(MARGIN.left + plotW / 2)}" y="${height - 10}" text-anchor="middle">epoch</text>`);
  const yLabel = log ? (sign > 0 ? "value (log scale)" : "value (log scale of −value)") : "value";
  out.push(`<text transform="translate(16 ${f(MARGIN.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${yLabel}</text>`);

  let legendX = MARGIN.left;
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const pts = s.points.map((p) => `${f(px(p.epoch))},${f(py(p.v))}`);
    out.push(`<g class="series" data-metric="${escapeXml(s.name)}">`);
    if (pts.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.8" points="${pts.join(" ")}"/>`);
    if (s.points.length <= 60 || pts.length === 1) for (const p of pts) out.push(`<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="2.2" fill="${color}"/>`);
    out.push(`</g>`);
    // The legend is a row between the title and the plot, so it never hides a curve.
    const ly = 42;
    out.push(`<line x1="${legendX}" y1="${ly}" x2="${legendX + 22}" y2="${ly}" stroke="${color}" stroke-width="2.5"/>`);
    out.push(`<text x="${legendX + 28}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
    legendX += 28 + 7 * s.name.length + 24;
  });
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}
