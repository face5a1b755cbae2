/**
 * Two-lane float64 SIMD (`f64x2`) for kernels built with {@link Emitter}: expressions over
 * `v128` values, lane masks and selects, float32 pair loads and stores, and `log`, `log1p`
 * and `exp` evaluated in both lanes at once.
 *
 * The math takes the exponent from the bits and does the rest with a polynomial (relative
 * error below 1e-13), evaluated by Estrin's scheme (the kernels are latency-bound): for `log`,
 * `v = 2^e m` with m in [√½, √2) and `log m = 2 atanh(s)`, s = (m−1)/(m+1), |s| ≤ 0.172; for
 * `log1p`, `log(u) − ((u − 1) − r)/u` with u = 1 + r (the correction is u's rounding error);
 * for `exp`, `2^k exp(r)` with k = round(v / ln 2), |r| ≤ ln2/2 and Taylor's series to r¹¹.
 * Integer ↔ double conversions plant the integer in the mantissa of 2^52 (SIMD has no 64-bit
 * lane conversions). Domain: `log` finite positive normal lanes, `log1p` lanes above −1 whose
 * `1 + r` is normal, `exp` finite lanes up to 709 (0 below −708.39); callers check their inputs.
 *
 * @module
 */
import { OP, SIMD } from "./wasm-builder.js";
import type { Emitter, Expr } from "./wasm-expr.js";

const LN2_HI = 6.93147180369123816490e-1;
const LN2_LO = 1.90821492927058770002e-10;
/** 2^52 as a double: adding it puts a small non-negative integer in a double's low bits. */
const TWO52 = 4503599627370496;
const TWO52_BITS = 0x4330000000000000n;

/** f64x2 expressions and statements on top of an {@link Emitter}. */
export class Simd {
  constructor(readonly c: Emitter) {}

  private op(args: Expr[], opcode: number, ...immediates: number[]): Expr {
    return () => {
      for (const a of args) a();
      this.c.fn.simd(opcode, ...immediates);
    };
  }

  /** A new v128 local. */
  local(): number {
    return this.c.local("v128");
  }

  /** Both lanes `x`. */
  f64(x: number): Expr {
    return this.splat(this.c.f64(x));
  }
  /** Both lanes the scalar f64 `e`. */
  splat(e: Expr): Expr {
    return this.op([e], SIMD.f64x2Splat);
  }
  /** Both lanes the 64-bit pattern `bits`. */
  i64(bits: bigint): Expr {
    return () => {
      this.c.fn.i64Const(bits);
      this.c.fn.simd(SIMD.i64x2Splat);
    };
  }
  add(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Add);
  }
  sub(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Sub);
  }
  mul(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Mul);
  }
  div(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Div);
  }
  min(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Min);
  }
  max(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Max);
  }
  neg(a: Expr): Expr {
    return this.op([a], SIMD.f64x2Neg);
  }
  abs(a: Expr): Expr {
    return this.op([a], SIMD.f64x2Abs);
  }
  floor(a: Expr): Expr {
    return this.op([a], SIMD.f64x2Floor);
  }
  nearest(a: Expr): Expr {
    return this.op([a], SIMD.f64x2Nearest);
  }
  sqrt(a: Expr): Expr {
    return this.op([a], SIMD.f64x2Sqrt);
  }
  /** Rounds both lanes to the nearest float32 (and back to f64). */
  roundF32(a: Expr): Expr {
    return () => {
      a();
      this.c.fn.simd(SIMD.f32x4DemoteF64x2Zero).simd(SIMD.f64x2PromoteLowF32x4);
    };
  }

  // ---- lane masks (all ones where true) ----
  eq(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Eq);
  }
  ne(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Ne);
  }
  lt(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Lt);
  }
  gt(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Gt);
  }
  le(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Le);
  }
  ge(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.f64x2Ge);
  }
  and(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.and);
  }
  or(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.or);
  }
  not(a: Expr): Expr {
    return this.op([a], SIMD.not);
  }
  /** Per lane `mask ? a : b`. */
  select(mask: Expr, a: Expr, b: Expr): Expr {
    return this.op([a, b, mask], SIMD.bitselect);
  }
  /** i32: whether any lane of `mask` is set. */
  anyTrue(mask: Expr): Expr {
    return this.op([mask], SIMD.anyTrue);
  }
  /** i32: whether `lane` of `mask` is set. */
  laneSet(mask: Expr, lane: 0 | 1): Expr {
    return () => {
      mask();
      this.c.fn.simd(SIMD.i64x2ExtractLane, lane).op(OP.i64Eqz, OP.i32Eqz);
    };
  }
  /** i32: whether both lanes of `mask` are set. */
  allTrue(mask: Expr): Expr {
    return this.op([mask], SIMD.i64x2AllTrue);
  }

  // ---- 64-bit integer lanes ----
  shrU(a: Expr, bits: number): Expr {
    return this.op([a, this.c.i32(bits)], SIMD.i64x2ShrU);
  }
  shl(a: Expr, bits: number): Expr {
    return this.op([a, this.c.i32(bits)], SIMD.i64x2Shl);
  }
  iadd(a: Expr, b: Expr): Expr {
    return this.op([a, b], SIMD.i64x2Add);
  }

  // ---- lanes and memory ----
  /** The f64 in `lane`. */
  lane(v: Expr, lane: 0 | 1): Expr {
    return this.op([v], SIMD.f64x2ExtractLane, lane);
  }
  /** `v` with `lane` replaced by the scalar f64 `x`. */
  replace(v: Expr, lane: 0 | 1, x: Expr): Expr {
    return this.op([v, x], SIMD.f64x2ReplaceLane, lane);
  }
  /** Two consecutive float32 at byte address `addr`, as f64x2. */
  loadF32Pair(addr: Expr): Expr {
    return () => {
      addr();
      this.c.fn.simdMem(SIMD.load64Zero, 2).simd(SIMD.f64x2PromoteLowF32x4);
    };
  }
  /** Stores both lanes as two consecutive float32 at byte address `addr`. */
  storeF32Pair(addr: Expr, v: Expr): void {
    addr();
    v();
    this.c.fn.simd(SIMD.f32x4DemoteF64x2Zero).simdMem(SIMD.store64Lane, 2, 0, 0);
  }
  set(l: number, e: Expr): void {
    this.c.set(l, e);
  }
  get(l: number): Expr {
    return this.c.get(l);
  }
}

/** `log`, `log1p`, `exp` of both lanes, emitted inline (see the module comment). */
export class SimdMath {
  private readonly e: number;
  private readonly m: number;
  private readonly s: number;
  private readonly z: number;
  private readonly u: number;
  private readonly arg: number;
  private readonly big: number;
  private readonly r: number;
  private readonly pow: [number, number, number];

  constructor(private readonly v: Simd) {
    [this.e, this.m, this.s, this.z, this.u, this.arg, this.big, this.r] = Array.from({ length: 8 }, () => v.local());
    this.pow = [v.local(), v.local(), v.local()];
  }

  /** Estrin's scheme for `Σ coefficients[k] x^k`, `x` a local. */
  private estrin(x: number, coefficients: readonly number[]): Expr {
    const { v, pow } = this;
    const degree = coefficients.length - 1;
    v.set(pow[0], v.mul(v.get(x), v.get(x)));
    if (degree >= 4) v.set(pow[1], v.mul(v.get(pow[0]), v.get(pow[0])));
    if (degree >= 8) v.set(pow[2], v.mul(v.get(pow[1]), v.get(pow[1])));
    let terms: Expr[] = [];
    for (let k = 0; k <= degree; k += 2) {
      const a = v.f64(coefficients[k]!);
      terms.push(k + 1 <= degree ? v.add(a, v.mul(v.get(x), v.f64(coefficients[k + 1]!))) : a);
    }
    for (let level = 0; terms.length > 1; level++) {
      const next: Expr[] = [];
      for (let k = 0; k < terms.length; k += 2) next.push(k + 1 < terms.length ? v.add(terms[k]!, v.mul(v.get(pow[level]!), terms[k + 1]!)) : terms[k]!);
      terms = next;
    }
    return terms[0]!;
  }

  /** `out = log(arg)` per lane, for finite positive normal lanes. */
  log(out: number, arg: Expr): void {
    const { v, e, m, s, z, big } = this;
    v.set(this.arg, arg);
    // e = (bits >> 52) − 1023, converted by planting the integer in 2^52's mantissa.
    v.set(e, v.sub(v.or(v.shrU(v.get(this.arg), 52), v.i64(TWO52_BITS)), v.f64(TWO52 + 1023)));
    v.set(m, v.or(v.and(v.get(this.arg), v.i64(0x000fffffffffffffn)), v.i64(0x3ff0000000000000n)));
    v.set(big, v.gt(v.get(m), v.f64(Math.SQRT2)));
    v.set(e, v.add(v.get(e), v.select(v.get(big), v.f64(1), v.f64(0))));
    v.set(m, v.mul(v.get(m), v.select(v.get(big), v.f64(0.5), v.f64(1))));
    v.set(s, v.div(v.sub(v.get(m), v.f64(1)), v.add(v.get(m), v.f64(1))));
    v.set(z, v.mul(v.get(s), v.get(s)));
    const series = v.mul(v.mul(v.f64(2), v.get(s)), this.estrin(z, [1, 1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15]));
    v.set(out, v.add(v.mul(v.get(e), v.f64(LN2_HI)), v.add(v.mul(v.get(e), v.f64(LN2_LO)), series)));
  }

  /** `out = log1p(arg)` per lane, for lanes above −1 (`reciprocal`: 1/(1 + arg), if known). */
  log1p(out: number, arg: Expr, reciprocal?: Expr): void {
    const { v, u, r } = this;
    v.set(r, arg);
    v.set(u, v.add(v.f64(1), v.get(r)));
    this.log(out, v.get(u));
    // The correction ((u − 1) − r)/u; a caller that has 1/(1 + arg) passes it (no division).
    const excess = v.sub(v.sub(v.get(u), v.f64(1)), v.get(r));
    v.set(out, v.sub(v.get(out), reciprocal ? v.mul(excess, reciprocal) : v.div(excess, v.get(u))));
  }

  /** `out = exp(arg)` per lane, for finite lanes up to 709 (0 below −708.39). */
  exp(out: number, arg: Expr): void {
    const { v, e, s, u } = this;
    v.set(this.arg, arg);
    v.set(u, v.max(v.get(this.arg), v.f64(-708.39)));
    v.set(e, v.nearest(v.mul(v.get(u), v.f64(1 / Math.LN2))));
    v.set(s, v.sub(v.sub(v.get(u), v.mul(v.get(e), v.f64(LN2_HI))), v.mul(v.get(e), v.f64(LN2_LO))));
    const taylor: number[] = [1];
    for (let i = 1; i <= 11; i++) taylor.push(taylor[i - 1]! / i);
    const poly = this.estrin(s, taylor);
    // 2^k: (k + 1023) planted in 2^52's mantissa, then shifted into the exponent field.
    const scale = v.shl(v.add(v.get(e), v.f64(TWO52 + 1023)), 52);
    v.set(out, v.select(v.gt(v.get(this.arg), v.f64(-708.39)), v.mul(poly, scale), v.f64(0)));
  }
}
