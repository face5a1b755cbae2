/**
 * DE calls that control the posterior expected false discovery rate (scvi-tools'
 * `_fdr_de_prediction`).
 *
 * @module
 */

/**
 * Marks as DE the `d` genes of highest posterior probability of DE, where `d` counts the
 * prefixes (genes sorted by decreasing probability) whose posterior expected FDR — the mean
 * of 1 − p over the prefix — is at most `fdr`. Ties keep their input order. Returns the calls
 * in input order.
 *
 * @example
 * ```ts
 * fdrDePrediction([0.99, 0.5, 0.97], 0.05); // [true, false, true]
 * ```
 */
export function fdrDePrediction(probaDe: ArrayLike<number>, fdr = 0.05): boolean[] {
  const n = probaDe.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => descending(probaDe[a]!, probaDe[b]!));
  let cum = 0;
  let d = 0;
  order.forEach((i, k) => {
    cum += 1 - probaDe[i]!;
    if (cum / (k + 1) <= fdr) d++;
  });
  const calls = new Array<boolean>(n).fill(false);
  for (let k = 0; k < d; k++) calls[order[k]!] = true;
  return calls;
}

/** Comparator for a descending sort with NaN last (pandas' `sort_values(ascending=False)`). */
export function descending(a: number, b: number): number {
  const na = Number.isNaN(a);
  const nb = Number.isNaN(b);
  if (na || nb) return na === nb ? 0 : na ? 1 : -1;
  return a > b ? -1 : a < b ? 1 : 0;
}
