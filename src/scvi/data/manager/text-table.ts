/**
 * Plain-text tables for {@link AnnDataManager.viewRegistry} (scvi-tools prints rich tables).
 *
 * @module
 */

/** A boxed table with a title line, a header row and the rows, columns padded to fit. */
export function textTable(title: string, headers: string[], rows: string[][]): string {
  const widths = headers.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (l: string, m: string, r: string) => l + widths.map((w) => "─".repeat(w + 2)).join(m) + r;
  const row = (cells: string[]) => "│" + widths.map((w, j) => ` ${(cells[j] ?? "").padEnd(w)} `).join("│") + "│";
  return [title, line("┌", "┬", "┐"), row(headers), line("├", "┼", "┤"), ...rows.map(row), line("└", "┴", "┘")].join("\n");
}
