/**
 * How Python prints a float (`str(x)` / `repr(x)`), so column names such as
 * `is_de_fdr_0.05` and group labels read as scvi-tools writes them.
 *
 * @module
 */

/**
 * Python's `repr` of a float: the shortest round-trip digits, fixed notation for exponents
 * −5 < e < 16 (with a trailing `.0` for whole numbers), else `d.ddde±XX`.
 *
 * @example
 * ```ts
 * pythonFloatRepr(0.05);  // "0.05"
 * pythonFloatRepr(1);     // "1.0"
 * pythonFloatRepr(1e-5);  // "1e-05"
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e") as [string, string];
  const e = Number(expText);
  if (e < -4 || e >= 16) {
    const sign = e < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const fixed = String(x);
  return fixed.includes(".") ? fixed : `${fixed}.0`;
}
