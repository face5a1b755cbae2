/**
 * Custom kernels that run our own WebAssembly code (built with `wasm-builder.ts`) directly on
 * the memory of TensorFlow.js' WebAssembly backend: the module imports the backend's memory,
 * so a kernel reads its inputs and writes its outputs where the tensors live, with no copy and
 * no JavaScript arrays to collect.
 *
 * This relies on three internals of `@tensorflow/tfjs-backend-wasm` 4.x, all used by its own
 * JavaScript kernels: `backend.wasm.asm.memory` (the module's `WebAssembly.Memory`),
 * `backend.dataIdMap.get(dataId).memoryOffset` and `backend.makeOutput(shape, dtype)`. When
 * any is missing, {@link tfjsHeap} returns null and callers use their portable path.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { instantiateSync, type WasmMemory } from "./wasm-builder.js";

/** The parts of the wasm backend a heap kernel uses. */
export interface WasmBackendInternals {
  wasm: { asm?: { memory?: WasmMemory }; HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

/** Access to the wasm backend's heap. */
export interface TfjsHeap {
  readonly backend: WasmBackendInternals;
  readonly memory: WasmMemory;
}

/** The wasm backend's heap when it is the current backend and exposes its memory, else null. */
export function tfjsHeap(backend: unknown = tf.backend()): TfjsHeap | null {
  if (tf.getBackend() !== "wasm") return null;
  const b = backend as Partial<WasmBackendInternals> | undefined;
  const memory = b?.wasm?.asm?.memory;
  if (!memory || typeof b?.dataIdMap?.get !== "function" || typeof b.makeOutput !== "function" || typeof b.disposeData !== "function") return null;
  return { backend: b as WasmBackendInternals, memory };
}

/** The byte offset of a tensor's data in the heap. */
export function heapOffset(heap: TfjsHeap, t: tf.TensorInfo): number {
  const entry = heap.backend.dataIdMap.get(t.dataId);
  if (!entry) throw new Error("wasm-heap: tensor data not found in the wasm backend");
  return entry.memoryOffset;
}

/** A Float32Array / Int32Array view of a tensor's data (valid until the heap grows). */
export function heapView<T extends Float32Array | Int32Array>(heap: TfjsHeap, t: tf.TensorInfo, kind: new (b: ArrayBuffer, o: number, n: number) => T): T {
  return new kind(heap.memory.buffer, heapOffset(heap, t), tf.util.sizeFromShape(t.shape));
}

const instances = new WeakMap<WasmMemory, Map<string, Record<string, unknown> | null>>();

/**
 * The exports of the module `build()` encodes, instantiated on `heap`'s memory once per key
 * (null when instantiation fails). The module must import `env.memory`.
 */
export function heapModule(heap: TfjsHeap, key: string, build: () => Uint8Array): Record<string, unknown> | null {
  let byKey = instances.get(heap.memory);
  if (!byKey) instances.set(heap.memory, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, instantiateSync(build(), { env: { memory: heap.memory } }));
  return byKey.get(key)!;
}
