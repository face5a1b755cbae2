import { afterEach, describe, expect, it } from "vitest";
import { kernelPool, setKernelPool, SHARED_MAXIMUM_PAGES } from "../../src/backend/kernel-pool.js";
import { encodeModule, forRangeLoop, OP, WasmFunction } from "../../src/backend/wasm-builder.js";

afterEach(() => setKernelPool(true));

/** `fill(at, n, value) → n`: writes `value + k` to the n int32 at byte address `at` (k = 0 … n − 1). */
function fillModule(): Uint8Array {
  const fn = new WasmFunction(["i32", "i32", "i32"], ["i32"]);
  const k = fn.local("i32");
  forRangeLoop(fn, k, () => fn.i32Const(0), () => fn.get(1), 1, () => {
    fn.get(0).get(k).i32Const(2).op(OP.i32Shl).op(OP.i32Add).get(2).get(k).op(OP.i32Add).mem(OP.i32Store, 2);
  });
  fn.get(1);
  return encodeModule([fn], { fill: 0 }, { pages: 1, imported: true, sharedMaximum: SHARED_MAXIMUM_PAGES });
}

describe("kernelPool (a second thread for chunked WebAssembly kernels on a shared memory)", () => {
  it("runs every chunk once with its arguments, the last chunk's overrides included, job after job", () => {
    const pool = kernelPool();
    expect(pool, "worker threads and shared memories are available on this Node.js").not.toBeNull();
    const fn = pool!.register("test:fill", fillModule(), "fill");
    expect(fn).not.toBeNull();
    const [chunk, chunks] = [1000, 37];
    const n = chunk * (chunks - 1) + 123;
    pool!.reserve(4 * n + 4096);
    for (let job = 0; job < 20; job++) {
      const base = 1024;
      const results = pool!.run({ fn: fn!, chunks, args: [base, chunk, job * 1_000_000], strides: [4 * chunk, 0, chunk], last: [undefined, 123] });
      expect(results).not.toBeNull();
      expect(Array.from(results!)).toEqual([...new Array<number>(chunks - 1).fill(chunk), 123]);
      const memory = new Int32Array(pool!.memory.buffer, base, n);
      for (let i = 0; i < n; i += 97) expect(memory[i]).toBe(job * 1_000_000 + i);
      expect(memory[n - 1]).toBe(job * 1_000_000 + n - 1);
    }
  });

  it("is off after setKernelPool(false), and rejects malformed jobs by name", () => {
    setKernelPool(false);
    expect(kernelPool()).toBeNull();
    setKernelPool(true);
    const pool = kernelPool()!;
    expect(() => pool.run({ fn: 0, chunks: 0, args: [], strides: [] })).toThrow(/KernelPool.run: bad job \(0 chunks, 0 arguments\)/);
    expect(() => pool.run({ fn: 999, chunks: 1, args: [1], strides: [0] })).toThrow(/unknown function 999/);
  });
});
