/**
 * A thin expression layer over {@link WasmFunction}: expressions are thunks that push their
 * value, statements emit at once, and blocks keep a label stack so that branches name their
 * target instead of counting depths. Enough to write the numeric kernels of scvi-ts readably.
 *
 * @module
 */
import { OP, type ValType, type WasmFunction } from "./wasm-builder.js";

/** An expression: emits code that pushes one value. */
export type Expr = () => void;

/** A branch target created by {@link Emitter.block} or {@link Emitter.loop}. */
export interface Label {
  readonly id: number;
}

/** Expression and statement helpers bound to one function. */
export class Emitter {
  private readonly labels: (Label | null)[] = [];
  private nextLabel = 0;

  constructor(readonly fn: WasmFunction) {}

  /** A new local (see {@link WasmFunction.local}). */
  local(type: ValType): number {
    return this.fn.local(type);
  }

  // ---- f64 expressions ----
  f64(v: number): Expr {
    return () => void this.fn.f64Const(v);
  }
  get(l: number): Expr {
    return () => void this.fn.get(l);
  }
  private bin(a: Expr, b: Expr, op: number): Expr {
    return () => {
      a();
      b();
      this.fn.op(op);
    };
  }
  private un(a: Expr, op: number): Expr {
    return () => {
      a();
      this.fn.op(op);
    };
  }
  add(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Add);
  }
  sub(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Sub);
  }
  mul(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Mul);
  }
  div(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Div);
  }
  max(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Max);
  }
  min(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Min);
  }
  neg(a: Expr): Expr {
    return this.un(a, OP.f64Neg);
  }
  abs(a: Expr): Expr {
    return this.un(a, OP.f64Abs);
  }
  sqrt(a: Expr): Expr {
    return this.un(a, OP.f64Sqrt);
  }
  /** Rounds to the nearest float32 (and back to f64). */
  roundF32(a: Expr): Expr {
    return () => {
      a();
      this.fn.op(OP.f32DemoteF64, OP.f64PromoteF32);
    };
  }
  floor(a: Expr): Expr {
    return this.un(a, OP.f64Floor);
  }
  nearest(a: Expr): Expr {
    return this.un(a, OP.f64Nearest);
  }
  /** Horner's scheme: `c[0] + z (c[1] + z (c[2] + …))` with `z` a local. */
  horner(z: number, coefficients: readonly number[]): Expr {
    let e: Expr = this.f64(coefficients[coefficients.length - 1]!);
    for (let k = coefficients.length - 2; k >= 0; k--) e = this.add(this.f64(coefficients[k]!), this.mul(this.get(z), e));
    return e;
  }

  // ---- comparisons (i32 results) and i32 logic ----
  lt(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Lt);
  }
  gt(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Gt);
  }
  le(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Le);
  }
  ge(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Ge);
  }
  eq(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Eq);
  }
  ne(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.f64Ne);
  }
  and(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32And);
  }
  or(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32Or);
  }
  not(a: Expr): Expr {
    return this.un(a, OP.i32Eqz);
  }
  /** `cond ? a : b` (both evaluated). */
  select(cond: Expr, a: Expr, b: Expr): Expr {
    return () => {
      a();
      b();
      cond();
      this.fn.op(OP.select);
    };
  }

  // ---- i32 ----
  i32(v: number): Expr {
    return () => void this.fn.i32Const(v);
  }
  i32Add(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32Add);
  }
  i32Mul(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32Mul);
  }
  i32Shl(a: Expr, bits: number): Expr {
    return this.bin(a, this.i32(bits), OP.i32Shl);
  }
  i32Eq(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32Eq);
  }
  i32LtS(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32LtS);
  }
  i32GeS(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32GeS);
  }
  /** Unsigned `a >= b`: for byte addresses, which pass 2³¹ once the wasm heap grows beyond 2 GiB. */
  i32GeU(a: Expr, b: Expr): Expr {
    return this.bin(a, b, OP.i32GeU);
  }
  /** f64 → i32 (truncation; the value must be in range). */
  toI32(a: Expr): Expr {
    return this.un(a, OP.i32TruncF64S);
  }

  // ---- memory (byte addresses are i32 expressions) ----
  loadF32(addr: Expr): Expr {
    return () => {
      addr();
      this.fn.mem(OP.f32Load, 2).op(OP.f64PromoteF32);
    };
  }
  loadF64(addr: Expr): Expr {
    return () => {
      addr();
      this.fn.mem(OP.f64Load, 3);
    };
  }
  storeF32(addr: Expr, value: Expr): void {
    addr();
    value();
    this.fn.op(OP.f32DemoteF64).mem(OP.f32Store, 2);
  }
  storeF64(addr: Expr, value: Expr): void {
    addr();
    value();
    this.fn.mem(OP.f64Store, 3);
  }
  storeI32(addr: Expr, value: Expr): void {
    addr();
    value();
    this.fn.mem(OP.i32Store, 2);
  }

  // ---- calls and statements ----
  call(functionIndex: number, ...args: Expr[]): Expr {
    return () => {
      for (const a of args) a();
      this.fn.call(functionIndex);
    };
  }
  set(l: number, e: Expr): void {
    e();
    this.fn.set(l);
  }
  ret(e: Expr): void {
    e();
    this.fn.op(OP.return);
  }

  /** `if (cond) { then() } else { otherwise() }` (no result). */
  if(cond: Expr, then: () => void, otherwise?: () => void): void {
    cond();
    this.fn.begin(OP.if);
    this.labels.push(null);
    then();
    if (otherwise) {
      this.fn.op(OP.else);
      otherwise();
    }
    this.labels.pop();
    this.fn.op(OP.end);
  }

  /** A block: `br(label)` inside jumps to its end. */
  block(body: (label: Label) => void): void {
    this.structured(OP.block, body);
  }

  /** A loop: `br(label)` inside jumps to its start. */
  loop(body: (label: Label) => void): void {
    this.structured(OP.loop, body);
  }

  private structured(opcode: typeof OP.block | typeof OP.loop, body: (label: Label) => void): void {
    const label = { id: this.nextLabel++ };
    this.fn.begin(opcode);
    this.labels.push(label);
    body(label);
    this.labels.pop();
    this.fn.op(OP.end);
  }

  private depth(label: Label): number {
    for (let d = 0; d < this.labels.length; d++) {
      if (this.labels[this.labels.length - 1 - d] === label) return d;
    }
    throw new Error("wasm-expr: branch to a label that is not open");
  }

  br(label: Label): void {
    this.fn.br(this.depth(label));
  }

  brIf(cond: Expr, label: Label): void {
    cond();
    this.fn.brIf(this.depth(label));
  }
}
