import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeModule, instantiateSync, WasmFunction } from "../../src/backend/wasm-builder.js";
import { Emitter } from "../../src/backend/wasm-expr.js";
import { heapModule, heapView, tfjsHeap } from "../../src/backend/wasm-heap.js";
import { Simd, SimdMath } from "../../src/backend/wasm-simd.js";

type Fn = "log" | "log1p" | "exp";

/**
 * A module with `apply(n, in, out)`: out[i] = fn(in[i]) over float64 arrays at byte offsets,
 * two lanes at a time (lane 0 from element i, lane 1 from element i + 1; n even).
 */
function mathModule(fn: Fn, imported: boolean): Uint8Array {
  const f = new WasmFunction(["i32", "i32", "i32"], []);
  const c = new Emitter(f);
  const v = new Simd(c);
  const math = new SimdMath(v);
  const i = c.local("i32");
  const r = v.local();
  c.block((exit) =>
    c.loop((top) => {
      c.brIf(c.i32GeS(c.get(i), c.get(0)), exit);
      const at = (base: number, lane: number) => c.i32Add(c.get(base), c.i32Shl(c.i32Add(c.get(i), c.i32(lane)), 3));
      math[fn](r, v.replace(v.splat(c.loadF64(at(1, 0))), 1, c.loadF64(at(1, 1))));
      c.storeF64(at(2, 0), v.lane(v.get(r), 0));
      c.storeF64(at(2, 1), v.lane(v.get(r), 1));
      c.set(i, c.i32Add(c.get(i), c.i32(2)));
      c.br(top);
    }),
  );
  return encodeModule([f], { apply: 0 }, { pages: 1, imported });
}

function applyAll(fn: Fn, values: number[]): Float64Array {
  const xs = values.length % 2 ? [...values, values[0]!] : values;
  const ex = instantiateSync(mathModule(fn, false)) as { apply: (n: number, a: number, b: number) => void; memory: { buffer: ArrayBuffer } };
  new Float64Array(ex.memory.buffer, 0, xs.length).set(xs);
  ex.apply(xs.length, 0, 8 * xs.length);
  return new Float64Array(ex.memory.buffer, 8 * xs.length, values.length).slice();
}

const REFERENCE: Record<Fn, (x: number) => number> = { log: Math.log, log1p: Math.log1p, exp: Math.exp };

describe("WebAssembly kernels: two-lane float64 math", () => {
  const domains: Record<Fn, fc.Arbitrary<number>> = {
    log: fc.double({ min: -700, max: 700, noNaN: true }).map(Math.exp),
    log1p: fc.oneof(fc.double({ min: -0.999999, max: 0, noNaN: true }), fc.double({ min: -60, max: 300, noNaN: true }).map(Math.exp)),
    exp: fc.double({ min: -708, max: 709, noNaN: true }),
  };
  it.each(["log", "log1p", "exp"] as const)("%s matches Math to 1e-13 (relative) over its domain", (fn) => {
    fc.assert(
      fc.property(fc.array(domains[fn], { minLength: 1, maxLength: 50 }), (xs) => {
        const got = applyAll(fn, xs);
        xs.forEach((x, i) => {
          const want = REFERENCE[fn](x);
          expect(Math.abs(got[i]! - want), `${fn}(${x}) = ${got[i]} vs ${want}`).toBeLessThanOrEqual(1e-13 * Math.abs(want) + 1e-300);
        });
      }),
      { seed: 42, numRuns: 100 },
    );
  });

  it("gets the edges right: log(1) = 0, log1p of tiny values, exp below the normal range", () => {
    const logs = applyAll("log", [1, 2 ** -1022, 2 ** 1023]);
    expect(logs[0]).toBe(0);
    expect(logs[1]).toBeCloseTo(-1022 * Math.LN2, 10);
    expect(logs[2]).toBeCloseTo(1023 * Math.LN2, 10);
    expect(applyAll("log1p", [1e-20, -1e-18])).toEqual(Float64Array.from([1e-20, -1e-18]));
    expect(Array.from(applyAll("exp", [0, -708.5, -1e6]))).toEqual([1, 0, 0]);
  });
});

describe("WebAssembly kernels on the backend's heap", () => {
  it("run in place on tensors of the wasm backend (the module imports its memory)", () => {
    const heap = tfjsHeap();
    expect(heap, "the tests run on the wasm backend, which exposes its memory").not.toBeNull();
    const ex = heapModule(heap!, "test:exp-f64", () => mathModule("exp", true)) as { apply: (n: number, a: number, b: number) => void };
    expect(heapModule(heap!, "test:exp-f64", () => new Uint8Array())).toBe(ex); // built once per key
    // Two float64 values stored in a float32 tensor of 4 elements (the kernel sees bytes).
    const input = tf.tensor(new Float32Array(new Float64Array([0.5, -2]).buffer)); // 2 lanes
    const output = tf.zeros([4]);
    const offset = (t: tf.Tensor) => heapView(heap!, t, Float32Array).byteOffset;
    ex.apply(2, offset(input), offset(output));
    const result = new Float64Array(Float32Array.from(output.dataSync()).buffer);
    expect(result[0]).toBeCloseTo(Math.exp(0.5), 12);
    expect(result[1]).toBeCloseTo(Math.exp(-2), 12);
    tf.dispose([input, output]);
  });

  it("name branch targets by label and reject branches out of their block", () => {
    const c = new Emitter(new WasmFunction([], []));
    let outer: Parameters<Emitter["br"]>[0] | undefined;
    c.block((label) => (outer = label));
    expect(() => c.br(outer!)).toThrow(/branch to a label that is not open/);
  });
});
