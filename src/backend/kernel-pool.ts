/**
 * A second thread for elementwise WebAssembly kernels: a Node.js worker that instantiates the
 * same kernel modules on a shared `WebAssembly.Memory` and takes chunks of a job alongside the
 * main thread. Chunks are claimed one at a time from a shared counter, so a busy or absent
 * helper costs nothing but the copies into the shared memory: the main thread simply takes
 * every chunk itself.
 *
 * A job is one exported function called once per chunk with integer arguments
 * `args[i] + c · strides[i]` for chunk `c` (the last chunk may override them, e.g. its length);
 * each call's i32 result is kept per chunk.
 *
 * Only where `process.getBuiltinModule("node:worker_threads")` exists (Node.js ≥ 20.16) and
 * shared WebAssembly memories work; {@link kernelPool} returns null elsewhere, or after
 * `setKernelPool(false)`.
 *
 * @module
 */
import { instantiateSync, type WasmMemory } from "./wasm-builder.js";

/** Most chunks one job may have (their results live in the control block). */
export const MAX_CHUNKS = 4096;

/** How long the main thread waits for the helper's chunk before it gives the helper up. */
export const HELPER_TIMEOUT_MS = 500;

/** Pages the shared memory may grow to (1 GiB). */
export const SHARED_MAXIMUM_PAGES = 16384;

// Control block (Int32Array indices).
const NEXT = 0; // (generation << 20) | next chunk
const IN_FLIGHT = 1; // chunks the helper has claimed and not finished (or is claiming)
const TOTAL = 2;
const FUNCTION = 3;
const NARGS = 4;
const ARGS = 8;
const STRIDES = 24;
const LAST = 40;
const READY = 56; // READY + k: the helper has function k
const RESULTS = 128;
const MAX_FUNCTIONS = 64;
const CHUNK_BITS = 20;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

/** The helper's code (evaluated by `new Worker(code, { eval: true })`). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const ctl = new Int32Array(workerData.control);
const memory = workerData.memory;
const fns = [];
parentPort.on("message", (m) => {
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), { env: { memory } });
    fns[m.index] = instance.exports[m.name];
    Atomics.store(ctl, ${READY} + m.index, 1);
  } catch (e) {
    Atomics.store(ctl, ${READY} + m.index, -1);
  }
});
function work() {
  const generation = Atomics.load(ctl, ${NEXT}) >>> ${CHUNK_BITS};
  for (;;) {
    Atomics.add(ctl, ${IN_FLIGHT}, 1);
    const v = Atomics.load(ctl, ${NEXT});
    const c = v & ${CHUNK_MASK};
    const f = fns[Atomics.load(ctl, ${FUNCTION})];
    if (v >>> ${CHUNK_BITS} !== generation || c >= Atomics.load(ctl, ${TOTAL}) || !f || Atomics.compareExchange(ctl, ${NEXT}, v, v + 1) !== v) {
      Atomics.sub(ctl, ${IN_FLIGHT}, 1);
      if (v >>> ${CHUNK_BITS} !== generation || c >= Atomics.load(ctl, ${TOTAL}) || !f) return;
      continue;
    }
    const n = Atomics.load(ctl, ${NARGS});
    const last = c === Atomics.load(ctl, ${TOTAL}) - 1;
    const args = [];
    for (let i = 0; i < n; i++) args.push(last && ctl[${LAST} + i] !== -1 ? ctl[${LAST} + i] : ctl[${ARGS} + i] + c * ctl[${STRIDES} + i]);
    try {
      ctl[${RESULTS} + c] = f(...args);
    } catch (e) {
      // The result stays -1: the main thread runs the chunk again.
    } finally {
      Atomics.sub(ctl, ${IN_FLIGHT}, 1);
    }
  }
}
(async () => {
  let seen = Atomics.load(ctl, ${NEXT});
  for (;;) {
    const r = Atomics.waitAsync(ctl, ${NEXT}, seen);
    if (r.async) await r.value;
    work();
    seen = Atomics.load(ctl, ${NEXT});
  }
})();
`;

interface WorkerLike {
  postMessage(message: unknown): void;
  terminate(): unknown;
  unref(): void;
  on(event: "error" | "exit", listener: (arg: unknown) => void): void;
}

/** One job: see the module comment. */
export interface PoolJob {
  /** The function's index from {@link KernelPool.register}. */
  readonly fn: number;
  /** Number of chunks (1 … {@link MAX_CHUNKS}). */
  readonly chunks: number;
  /** Arguments of chunk 0 (at most 16 integers). */
  readonly args: readonly number[];
  /** Per-chunk increments of the arguments. */
  readonly strides: readonly number[];
  /** The last chunk's arguments where they differ (`undefined` entries: the rule). */
  readonly last?: readonly (number | undefined)[];
}

/** The helper thread and its shared memory. */
export class KernelPool {
  private readonly control: Int32Array;
  private readonly functions: ((...args: number[]) => number)[] = [];
  private readonly keys = new Map<string, number>();
  private generation = 0;
  private running = true;

  private constructor(
    /** The shared memory every registered module imports as `env.memory`. */
    readonly memory: WasmMemory,
    controlBuffer: SharedArrayBuffer,
    private readonly worker: WorkerLike,
  ) {
    this.control = new Int32Array(controlBuffer);
    worker.on("error", () => (this.running = false));
    worker.on("exit", () => (this.running = false));
  }

  /** Starts the helper, or returns null where threads or shared memories are unavailable. */
  static start(): KernelPool | null {
    // Not in browsers (no process) nor before Node.js 20.16 (no getBuiltinModule).
    const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
    const getBuiltin = host?.getBuiltinModule;
    const threads = typeof getBuiltin === "function" ? (getBuiltin.call(host, "node:worker_threads") as { Worker?: new (code: string, options: object) => WorkerLike } | undefined) : undefined;
    const api = (globalThis as { WebAssembly?: { Memory: new (d: object) => WasmMemory } }).WebAssembly;
    if (!threads?.Worker || !api || typeof SharedArrayBuffer !== "function" || typeof (Atomics as { waitAsync?: unknown }).waitAsync !== "function") return null;
    try {
      const memory = new api.Memory({ initial: 256, maximum: SHARED_MAXIMUM_PAGES, shared: true });
      const controlBuffer = new SharedArrayBuffer(4 * (RESULTS + MAX_CHUNKS));
      const worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: { control: controlBuffer, memory } });
      worker.unref();
      return new KernelPool(memory, controlBuffer, worker);
    } catch {
      return null;
    }
  }

  /**
   * Instantiates `bytes` (which must import a shared `env.memory` of at most
   * {@link SHARED_MAXIMUM_PAGES}) on both threads once per `key`; returns the function's index,
   * or null when it does not instantiate here.
   */
  register(key: string, bytes: Uint8Array, name: string): number | null {
    const known = this.keys.get(key);
    if (known !== undefined) return known;
    if (this.functions.length >= MAX_FUNCTIONS) return null;
    const exports = instantiateSync(bytes, { env: { memory: this.memory } });
    const fn = exports?.[name];
    if (typeof fn !== "function") return null;
    const index = this.functions.push(fn as (...args: number[]) => number) - 1;
    this.keys.set(key, index);
    this.worker.postMessage({ index, bytes, name });
    return index;
  }

  /** Makes the shared memory at least `bytes` long. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  /**
   * Runs `job` on both threads (the helper joins when it is ready); returns each chunk's result,
   * or null (nothing run) when the helper had to be given up before the job could start.
   */
  run(job: PoolJob): Int32Array | null {
    const { chunks, args, strides } = job;
    if (!(chunks >= 1 && chunks <= MAX_CHUNKS) || args.length > 16 || strides.length !== args.length) {
      throw new Error(`KernelPool.run: bad job (${chunks} chunks, ${args.length} arguments)`);
    }
    const ctl = this.control;
    const f = this.functions[job.fn];
    if (!f) throw new Error(`KernelPool.run: unknown function ${job.fn}`);
    // Close the previous job under the new generation (no chunk can be claimed) and let a
    // helper that is still looking at it leave before the parameters change.
    this.generation = (this.generation + 1) & 0x7ff;
    Atomics.store(ctl, NEXT, (this.generation << CHUNK_BITS) | CHUNK_MASK);
    // A helper stuck in the previous job could still write into the memory: not this job's.
    if (!this.waitForHelper()) return null;
    ctl.fill(-1, RESULTS, RESULTS + chunks);
    ctl[FUNCTION] = job.fn;
    ctl[NARGS] = args.length;
    ctl[TOTAL] = chunks;
    for (let i = 0; i < args.length; i++) {
      ctl[ARGS + i] = args[i]!;
      ctl[STRIDES + i] = strides[i]!;
      ctl[LAST + i] = job.last?.[i] ?? -1;
    }
    Atomics.store(ctl, NEXT, this.generation << CHUNK_BITS);
    if (this.running && Atomics.load(ctl, READY + job.fn) === 1) Atomics.notify(ctl, NEXT);
    const runChunk = (c: number) => {
      const last = c === chunks - 1;
      const callArgs = args.map((a, i) => (last && job.last?.[i] !== undefined ? job.last[i]! : a + c * strides[i]!));
      ctl[RESULTS + c] = f(...callArgs);
    };
    // Claim chunks until none is left.
    for (;;) {
      const v = Atomics.load(ctl, NEXT);
      const c = v & CHUNK_MASK;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctl, NEXT, v, v + 1) === v) runChunk(c);
    }
    // The helper's last chunk; then any chunk it failed (or did not finish in time: it is then
    // stopped, and writes the same values if it still gets to) runs here.
    this.waitForHelper();
    for (let c = 0; c < chunks; c++) if (ctl[RESULTS + c] === -1) runChunk(c);
    return ctl.slice(RESULTS, RESULTS + chunks);
  }

  /** Whether the helper is still used (not crashed, never stuck past {@link HELPER_TIMEOUT_MS}). */
  get alive(): boolean {
    return this.running;
  }

  /**
   * Spins until the helper has no chunk in hand (at most one chunk's time); false when it was
   * stuck for longer than {@link HELPER_TIMEOUT_MS}: then it is stopped and the pool is no longer
   * used (nor its memory).
   */
  private waitForHelper(): boolean {
    const ctl = this.control;
    if (Atomics.load(ctl, IN_FLIGHT) === 0) return true;
    const start = performance.now();
    while (Atomics.load(ctl, IN_FLIGHT) > 0) {
      if (performance.now() - start > HELPER_TIMEOUT_MS) {
        this.running = false;
        this.worker.terminate();
        return false;
      }
    }
    return true;
  }
}

let pool: KernelPool | null | undefined;
let enabled = true;

/** The process's kernel pool (started on first use), or null where it cannot run or is off. */
export function kernelPool(): KernelPool | null {
  if (!enabled) return null;
  if (pool === undefined) pool = KernelPool.start();
  return pool?.alive ? pool : null;
}

/** Turns the helper thread on (default) or off (kernels then run on the main thread only). */
export function setKernelPool(on: boolean): void {
  enabled = on;
}
