/**
 * A minimal WebAssembly binary writer for small numeric kernels that scvi-ts builds at run
 * time (no toolchain, no binary files in the repository): one module with its own memory,
 * functions written through a typed stack-code emitter and a thin expression layer on top.
 *
 * Only the instructions the kernels use are here (scalar i32/i64/f32/f64 arithmetic, memory
 * access, structured control flow, calls). The encoding follows the WebAssembly core
 * specification, binary format section 5.
 *
 * @module
 */

/** A value type. */
export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** SIMD opcodes (after the 0xfd prefix; binary format 5.4.8). */
export const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  i8x16Shuffle: 0x0d,
  i64x2Splat: 0x12,
  f64x2Splat: 0x14,
  i64x2ExtractLane: 0x1d,
  f64x2ExtractLane: 0x21,
  f64x2ReplaceLane: 0x22,
  f32x4Eq: 0x41,
  f64x2Eq: 0x47,
  f64x2Ne: 0x48,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Le: 0x4b,
  f64x2Ge: 0x4c,
  not: 0x4d,
  and: 0x4e,
  andnot: 0x4f,
  or: 0x50,
  bitselect: 0x52,
  anyTrue: 0x53,
  store64Lane: 0x5b,
  load64Zero: 0x5d,
  f32x4DemoteF64x2Zero: 0x5e,
  f64x2PromoteLowF32x4: 0x5f,
  f64x2Floor: 0x75,
  f64x2Nearest: 0x94,
  i32x4AllTrue: 0xa3,
  i64x2AllTrue: 0xc3,
  i64x2Shl: 0xcb,
  i64x2ShrU: 0xcd,
  i64x2Add: 0xce,
  i64x2Sub: 0xd1,
  f32x4Add: 0xe4,
  f32x4Sub: 0xe5,
  f32x4Mul: 0xe6,
  f64x2Abs: 0xec,
  f64x2Neg: 0xed,
  f64x2Sqrt: 0xef,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  f64x2Div: 0xf3,
  f64x2Min: 0xf4,
  f64x2Max: 0xf5,
  /** Relaxed SIMD: `a · b + c`, fused where the CPU can. */
  f32x4RelaxedMadd: 0x105,
} as const;

/** Opcodes (binary format 5.4). */
export const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  return: 0x0f,
  call: 0x10,
  drop: 0x1a,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f32Load: 0x2a,
  f64Load: 0x2b,
  i32Store: 0x36,
  f32Store: 0x38,
  f64Store: 0x39,
  i32Const: 0x41,
  i64Const: 0x42,
  f64Const: 0x44,
  i32Eqz: 0x45,
  i64Eqz: 0x50,
  i32Eq: 0x46,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32LtU: 0x49,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32GeS: 0x4e,
  i32GeU: 0x4f,
  f32Ne: 0x5c,
  f64Eq: 0x61,
  f64Ne: 0x62,
  f64Lt: 0x63,
  f64Gt: 0x64,
  f64Le: 0x65,
  f64Ge: 0x66,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrS: 0x75,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64And: 0x83,
  i64Or: 0x84,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
  f32Add: 0x92,
  f32Sub: 0x93,
  f32Mul: 0x94,
  f64Abs: 0x99,
  f64Neg: 0x9a,
  f64Floor: 0x9c,
  f64Nearest: 0x9e,
  f64Sqrt: 0x9f,
  f64Add: 0xa0,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Div: 0xa3,
  f64Min: 0xa4,
  f64Max: 0xa5,
  i32WrapI64: 0xa7,
  i32TruncF64S: 0xaa,
  i64ExtendI32S: 0xac,
  i64TruncF64S: 0xb0,
  f32DemoteF64: 0xb6,
  f64ConvertI32S: 0xb7,
  f64ConvertI64S: 0xb9,
  f64PromoteF32: 0xbb,
  i64ReinterpretF64: 0xbd,
  f64ReinterpretI64: 0xbf,
} as const;

/** Appends `items` to `out` (a loop: spreading a large function's code overflows the call stack). */
function append(out: number[], items: readonly number[]): void {
  for (const item of items) out.push(item);
}

function uleb(value: number, out: number[]): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(value: bigint, out: number[]): void {
  let v = value;
  for (;;) {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    const done = (v === 0n && (byte & 0x40) === 0) || (v === -1n && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

/** One function under construction: parameters are locals 0…, {@link local} adds more. */
export class WasmFunction {
  /** The instruction bytes (without the final `end`). */
  readonly code: number[] = [];
  private readonly locals: ValType[] = [];

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** Declares a local of `type`; returns its index. */
  local(type: ValType): number {
    this.locals.push(type);
    return this.params.length + this.locals.length - 1;
  }

  /** Appends raw opcodes. */
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  i32Const(v: number): this {
    this.code.push(OP.i32Const);
    sleb(BigInt(v | 0), this.code);
    return this;
  }

  i64Const(v: bigint): this {
    this.code.push(OP.i64Const);
    sleb(BigInt.asIntN(64, v), this.code);
    return this;
  }

  f32Const(v: number): this {
    this.code.push(0x43, ...new Uint8Array(new Float32Array([v]).buffer));
    return this;
  }

  f64Const(v: number): this {
    this.code.push(OP.f64Const, ...new Uint8Array(new Float64Array([v]).buffer));
    return this;
  }

  get(index: number): this {
    this.code.push(OP.localGet);
    uleb(index, this.code);
    return this;
  }

  set(index: number): this {
    this.code.push(OP.localSet);
    uleb(index, this.code);
    return this;
  }

  tee(index: number): this {
    this.code.push(OP.localTee);
    uleb(index, this.code);
    return this;
  }

  /** A SIMD instruction (0xfd prefix); `immediates` are raw bytes that follow (lane index, ...). */
  simd(opcode: number, ...immediates: number[]): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    this.code.push(...immediates);
    return this;
  }

  /** A SIMD load or store with alignment `2^alignLog2` and a constant offset (and a lane index for `*_lane`). */
  simdMem(opcode: number, alignLog2: number, offset = 0, lane?: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    if (lane !== undefined) this.code.push(lane);
    return this;
  }

  /** A load or store with alignment `2^alignLog2` and a constant byte offset. */
  mem(opcode: number, alignLog2: number, offset = 0): this {
    this.code.push(opcode);
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }

  /** `block`, `loop` or `if` without a result. */
  begin(opcode: typeof OP.block | typeof OP.loop | typeof OP.if): this {
    this.code.push(opcode, 0x40);
    return this;
  }

  br(depth: number): this {
    this.code.push(OP.br);
    uleb(depth, this.code);
    return this;
  }

  brIf(depth: number): this {
    this.code.push(OP.brIf);
    uleb(depth, this.code);
    return this;
  }

  call(functionIndex: number): this {
    this.code.push(OP.call);
    uleb(functionIndex, this.code);
    return this;
  }

  /** The function body (locals and code) as the binary format's `func`. */
  body(): number[] {
    const out: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.locals) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, out);
    for (const [count, t] of groups) {
      uleb(count, out);
      out.push(TYPE_CODE[t]);
    }
    append(out, this.code);
    out.push(OP.end);
    return out;
  }
}

/**
 * Emits `for (v = from; v < to; v += stride) body()` into `fn`, with `from` and `to`
 * expressions (i32, evaluated at entry and on every turn) and `v` an i32 local; skipped when empty.
 * `addresses` compares unsigned (byte addresses pass 2³¹ once the wasm heap grows beyond 2 GiB).
 */
export function forRangeLoop(fn: WasmFunction, v: number, from: () => void, to: () => void, stride: number, body: () => void, addresses = false): void {
  from();
  fn.set(v);
  fn.begin(OP.block);
  fn.get(v);
  to();
  fn.op(addresses ? OP.i32GeU : OP.i32GeS).brIf(0);
  fn.begin(OP.loop);
  body();
  fn.get(v).i32Const(stride).op(OP.i32Add).tee(v);
  to();
  fn.op(addresses ? OP.i32LtU : OP.i32LtS).brIf(0);
  fn.op(OP.end);
  fn.op(OP.end);
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  append(out, content);
}

function name(s: string, out: number[]): void {
  const bytes = new TextEncoder().encode(s);
  uleb(bytes.length, out);
  out.push(...bytes);
}

/**
 * Encodes a module with the given functions (function `i` has index `i`), exporting those
 * named in `exports`. Its memory is either its own, of `memory.pages` 64 KiB pages (exported as
 * `memory`), or imported as `env.memory` (`memory.imported`, at least `pages` pages; a shared
 * memory of at most `sharedMaximum` pages when that is given).
 */
export function encodeModule(
  functions: readonly WasmFunction[],
  exports: Readonly<Record<string, number>>,
  memory: { pages: number; imported?: boolean; sharedMaximum?: number },
): Uint8Array {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(functions.length, types);
  for (const f of functions) {
    types.push(0x60);
    uleb(f.params.length, types);
    for (const p of f.params) types.push(TYPE_CODE[p]);
    uleb(f.results.length, types);
    for (const r of f.results) types.push(TYPE_CODE[r]);
  }
  section(1, types, out);
  const funcs: number[] = [];
  uleb(functions.length, funcs);
  functions.forEach((_, i) => uleb(i, funcs));
  if (memory.imported) {
    // Import section: env.memory, limits { min: pages }.
    const imports: number[] = [1];
    name("env", imports);
    name("memory", imports);
    if (memory.sharedMaximum !== undefined) {
      // A shared memory (threads proposal): limits flag 3, minimum and maximum pages.
      imports.push(0x02, 0x03);
      uleb(memory.pages, imports);
      uleb(memory.sharedMaximum, imports);
    } else {
      imports.push(0x02, 0x00);
      uleb(memory.pages, imports);
    }
    section(2, imports, out);
  }
  section(3, funcs, out);
  if (!memory.imported) {
    const own: number[] = [1, 0x00];
    uleb(memory.pages, own);
    section(5, own, out);
  }
  const exps: number[] = [];
  const entries = Object.entries(exports);
  uleb(entries.length + (memory.imported ? 0 : 1), exps);
  if (!memory.imported) {
    name("memory", exps);
    exps.push(0x02, 0x00);
  }
  for (const [n, index] of entries) {
    name(n, exps);
    exps.push(0x00);
    uleb(index, exps);
  }
  section(7, exps, out);
  const code: number[] = [];
  uleb(functions.length, code);
  for (const f of functions) {
    const body = f.body();
    uleb(body.length, code);
    append(code, body);
  }
  section(10, code, out);
  return Uint8Array.from(out);
}

/** A module's memory as seen from JavaScript. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
}

/**
 * Compiles and instantiates `bytes` synchronously (with `imports`, e.g. `{ env: { memory } }`);
 * returns its exports, or null where
 * WebAssembly is unavailable or refuses (e.g. a synchronous-compile size limit).
 */
export function instantiateSync(bytes: Uint8Array, imports?: object): Record<string, unknown> | null {
  const api = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  if (!api) return null;
  try {
    return new api.Instance(new api.Module(bytes), imports).exports;
  } catch {
    return null;
  }
}
