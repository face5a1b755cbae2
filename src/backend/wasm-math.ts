/**
 * `log`, `log1p` and `exp` in float64 for kernels built with {@link Emitter}: the exponent is
 * taken from the bits and a polynomial does the rest (relative error below 1e-13): for `log`,
 * `v = 2^e m` with m in [√½, √2) and `log m = 2 atanh(s)`, s = (m−1)/(m+1), |s| ≤ 0.172; for
 * `log1p`, `log(u) − ((u − 1) − r)/u` with u = 1 + r (the correction is u's rounding error);
 * for `exp`, `2^k exp(r)` with k = round(v / ln 2), |r| ≤ ln2/2 and Taylor's series to r¹².
 *
 * Domain: `log` takes finite positive normal numbers, `log1p` numbers above −1 whose `1 + r`
 * is normal, `exp` finite numbers up to 709 (below −708.39 it returns 0; NaN would trap). The
 * callers check their inputs and leave anything else to float64 JavaScript.
 *
 * @module
 */
import { OP } from "./wasm-builder.js";
import { Emitter } from "./wasm-expr.js";

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
const SQRT2 = Math.SQRT2;

/**
 * The functions, emitted inline into a kernel (no call, so the kernel's values stay in
 * registers). Each writes its result into a local; the temporaries are shared per emitter.
 */
export class InlineMath {
  private readonly bits: number;
  private readonly e: number;
  private readonly m: number;
  private readonly s: number;
  private readonly z: number;
  private readonly u: number;
  private readonly arg: number;

  constructor(private readonly c: Emitter) {
    this.bits = c.local("i64");
    this.e = c.local("f64");
    this.m = c.local("f64");
    this.s = c.local("f64");
    this.z = c.local("f64");
    this.u = c.local("f64");
    this.arg = c.local("f64");
  }

  /** `out = log(arg)` for finite positive normal `arg`. */
  log(out: number, arg: () => void): void {
    const { c, bits, e, m, s, z } = this;
    const fn = c.fn;
    arg();
    fn.op(OP.i64ReinterpretF64).set(bits);
    fn.get(bits).i64Const(52n).op(OP.i64ShrU).i64Const(1023n).op(OP.i64Sub, OP.f64ConvertI64S).set(e);
    fn.get(bits).i64Const(0x000fffffffffffffn).op(OP.i64And).i64Const(0x3ff0000000000000n).op(OP.i64Or, OP.f64ReinterpretI64).set(m);
    const big = c.gt(c.get(m), c.f64(SQRT2));
    c.set(e, c.add(c.get(e), c.select(big, c.f64(1), c.f64(0))));
    c.set(m, c.mul(c.get(m), c.select(big, c.f64(0.5), c.f64(1))));
    c.set(s, c.div(c.sub(c.get(m), c.f64(1)), c.add(c.get(m), c.f64(1))));
    c.set(z, c.mul(c.get(s), c.get(s)));
    const series = c.mul(c.mul(c.f64(2), c.get(s)), c.horner(z, [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15]));
    c.set(out, c.add(c.mul(c.get(e), c.f64(LN2_HI)), c.add(c.mul(c.get(e), c.f64(LN2_LO)), series)));
  }

  /** `out = log1p(arg)` for `arg > −1`. */
  log1p(out: number, arg: () => void): void {
    const { c, u } = this;
    c.set(this.arg, arg);
    c.set(u, c.add(c.f64(1), c.get(this.arg)));
    this.log(out, c.get(u));
    c.set(out, c.sub(c.get(out), c.div(c.sub(c.sub(c.get(u), c.f64(1)), c.get(this.arg)), c.get(u))));
  }

  /** `out = exp(arg)` for finite `arg ≤ 709` (0 below −708.39). */
  exp(out: number, arg: () => void): void {
    const { c, e, s, u } = this;
    const fn = c.fn;
    c.set(this.arg, arg);
    c.set(u, c.max(c.get(this.arg), c.f64(-708.39)));
    c.set(e, c.nearest(c.mul(c.get(u), c.f64(1 / Math.LN2))));
    c.set(s, c.sub(c.sub(c.get(u), c.mul(c.get(e), c.f64(LN2_HI))), c.mul(c.get(e), c.f64(LN2_LO))));
    const taylor: number[] = [1];
    for (let i = 1; i <= 12; i++) taylor.push(taylor[i - 1]! / i);
    c.horner(s, taylor)();
    fn.get(e).op(OP.i64TruncF64S).i64Const(1023n).op(OP.i64Add).i64Const(52n).op(OP.i64Shl, OP.f64ReinterpretI64, OP.f64Mul);
    fn.set(out);
    // Below the normal range: 0.
    c.set(out, c.select(c.gt(c.get(this.arg), c.f64(-708.39)), c.get(out), c.f64(0)));
  }
}
