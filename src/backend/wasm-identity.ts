/**
 * Makes the wasm backend's `Identity` kernel share the input's memory (reference counted)
 * instead of copying it, as the `cpu` backend's does. tfjs clones every tensor it saves for a
 * backward pass through `Identity`, so each differentiated op of scVI's 128 × 2,000 minibatch
 * paid a copy of its saved inputs (about a dozen per training step). Tensors are immutable and
 * the backend frees shared memory only when its reference count reaches zero, so sharing is
 * safe; kernels that update memory in place (the optimizer's moment slots, see
 * `infer/optim/adam-heap.ts`) check that the count is one first.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

interface WasmBackendRefs {
  dataIdMap: { get(dataId: object): { refCount: number } | undefined };
}

let original: tf.KernelConfig | undefined;

function sharing(): tf.KernelConfig {
  const copy = original!;
  return {
    kernelName: "Identity",
    backendName: "wasm",
    kernelFunc: ((args: { inputs: { x: tf.TensorInfo }; backend: unknown }) => {
      const { x } = args.inputs;
      const entry = (args.backend as WasmBackendRefs).dataIdMap?.get(x.dataId);
      if (x.dtype === "string" || !entry) return copy.kernelFunc(args as never);
      entry.refCount++;
      return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
    }) as unknown as tf.KernelFunc,
  };
}

/**
 * Registers the sharing `Identity` for the wasm backend (`on`, the default once the backend
 * starts) or restores tfjs' copying one. A no-op where the wasm backend is not registered.
 */
export function shareIdentityOnWasm(on = true): void {
  original ??= tf.getKernel("Identity", "wasm");
  if (!original) return;
  tf.unregisterKernel("Identity", "wasm");
  tf.registerKernel(on ? sharing() : original);
}
