/**
 * The `Optimizer` base class: updates unconstrained `tf.Variable`s from their gradients.
 *
 * Our own implementations (not `tf.train`) so that weight decay, clipping and learning-rate
 * decay follow torch and Pyro exactly. Per-variable state (moments, momentum buffers, step
 * counters) is keyed by the variable's identity.
 *
 * Two execution paths compute the same update:
 * - **host**: on backends whose tensors live in main memory (`cpu`, `wasm`, `tensorflow`), a
 *   variable of at most `hostMaxSize` elements is updated in JavaScript on `Float32Array`s (its
 *   gradient and value are read, the new value written back with one `assign`). For the many
 *   tiny parameters of a probabilistic model this replaces a dozen tfjs op dispatches per
 *   variable with two reads and one write; the state stays in plain arrays.
 * - **tensor**: larger variables (and every variable on other backends) are updated with tfjs
 *   ops; the state lives in non-trainable `tf.Variable`s updated with `assign`, so an update
 *   allocates no lasting tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { tfjsHeap, type TfjsHeap } from "../../backend/wasm-heap.js";
import { clipGradNorm, globalNorm } from "./clip.js";

/** A gradient paired with the variable it belongs to. */
export type VariableGrad = readonly [variable: tf.Variable, grad: tf.Tensor];

/** Options every optimizer accepts. */
export interface OptimizerOptions {
  /** Learning rate (schedulers change it through {@link Optimizer.lr}). */
  lr?: number;
  /**
   * Clip the gradients of one update by their global L2 norm (torch's `clip_grad_norm_`):
   * when the norm of all gradients together exceeds this, every gradient is scaled by
   * `maxGradNorm / (norm + 1e-6)`. Computed on tensors, without a sync. Default: no clipping.
   */
  maxGradNorm?: number;
  /**
   * Largest variable (in elements) updated on the host path (see the module comment). Default:
   * every variable on the `cpu` backend (whose kernels are JavaScript loops too, one pass per
   * op: a fused loop is ~10x faster), 16,384 elements elsewhere (on `wasm` the SIMD kernels win
   * for large variables). `0` forces the tensor path for every variable.
   */
  hostMaxSize?: number;
  /**
   * On the `wasm` backend, update every variable with the optimizer's WebAssembly kernel on the
   * backend's heap, where it has one (the Adam family; same results as the host path). Default
   * true; false keeps the host and tensor paths.
   */
  heap?: boolean;
}

/** The per-variable state of an optimizer, as plain data. */
export interface VariableStateData {
  /** How many updates this variable has received. */
  readonly step: number;
  /** The state tensors (e.g. `expAvg`, `expAvgSq`, `momentumBuffer`) as flat values with shapes. */
  readonly slots: Readonly<
    Record<
      string,
      {
        /** The slot's shape. */
        readonly shape: number[];
        /** Its values, row-major. */
        readonly values: number[];
      }
    >
  >;
}

/** An optimizer's whole state as plain data (JSON-serialisable), for checkpointing. */
export interface OptimizerState {
  /** The optimizer's class name, checked by `setState`. */
  readonly kind: string;
  /** The current learning rate. */
  readonly lr: number;
  /** Per-variable state, keyed by the names `getState` was given (default: the variables' tfjs names). */
  readonly variables: Readonly<Record<string, VariableStateData>>;
}

/** The live state of one variable: an update counter and named slots (tensor or host arrays). */
export interface SlotState {
  /** Updates applied so far, including the current one while it runs. */
  step: number;
  /** Slot tensors by name (tensor path), each of the variable's shape, created lazily. */
  readonly slots: Map<string, tf.Variable>;
  /** Slot arrays by name (host path), each of the variable's size, created lazily. */
  readonly arrays: Map<string, Float32Array>;
}

/** Backends whose tensor data lives in main memory, where reading small tensors is cheap. */
const HOST_BACKENDS = new Set(["cpu", "wasm", "tensorflow"]);

function requirePositive(name: string, value: number, kind: string): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new Error(`${kind}: ${name} must be a finite number >= 0, got ${value}`);
}

/**
 * Base class of the optimizers. Subclasses implement {@link Optimizer.updateVariable}; the base
 * class applies the optional global-norm clipping, keeps the per-variable state and
 * checkpoints it.
 *
 * @example
 * ```ts
 * const opt = new Adam({ lr: 0.01 });
 * const { grads } = tf.variableGrads(() => loss(), [w]);
 * opt.apply([[w, grads[w.name]!]]);
 * ```
 */
export abstract class Optimizer {
  /** The learning rate used by the next update. Schedulers set it. */
  lr: number;
  /** The learning rate the optimizer was built with (schedulers use it as their base). */
  readonly initialLr: number;
  /** Global-norm clipping threshold, if any. */
  readonly maxGradNorm: number | undefined;
  /** Live state per variable, keyed by identity. */
  protected readonly states = new Map<tf.Variable, SlotState>();

  protected constructor(options: OptimizerOptions, defaultLr: number) {
    this.lr = options.lr ?? defaultLr;
    requirePositive("lr", this.lr, this.constructor.name);
    this.initialLr = this.lr;
    if (options.maxGradNorm !== undefined) {
      if (!(options.maxGradNorm > 0)) throw new Error(`${this.constructor.name}: maxGradNorm must be > 0, got ${options.maxGradNorm}`);
    }
    this.maxGradNorm = options.maxGradNorm;
    this.hostMaxSizeOption = options.hostMaxSize;
    this.heapOption = options.heap ?? true;
  }

  private readonly heapOption: boolean;

  private readonly hostMaxSizeOption: number | undefined;

  /** Largest variable updated on the host path on the current backend. */
  get hostMaxSize(): number {
    return this.hostMaxSizeOption ?? (tf.getBackend() === "cpu" ? Infinity : 16384);
  }

  /** Validates a hyper-parameter (finite and >= 0), naming the optimizer. */
  protected static checkNonNegative(kind: string, name: string, value: number): number {
    requirePositive(name, value, kind);
    return value;
  }

  /** Validates a coefficient in [0, 1), naming the optimizer. */
  protected static checkBeta(kind: string, name: string, value: number): number {
    if (!(value >= 0 && value < 1)) throw new Error(`${kind}: ${name} must be in [0, 1), got ${value}`);
    return value;
  }

  /**
   * Applies one update to each variable from its gradient. The gradients are not disposed (the
   * caller owns them); everything the update creates is.
   */
  apply(grads: readonly VariableGrad[]): void {
    if (grads.length === 0) return;
    for (const [variable, grad] of grads) {
      if (!tf.util.arraysEqual(variable.shape, grad.shape)) {
        throw new Error(
          `${this.constructor.name}: gradient of shape [${grad.shape.join(", ")}] for variable '${variable.name}' of shape [${variable.shape.join(", ")}]`,
        );
      }
    }
    this.beforeUpdate();
    const heapStep = this.heapOption ? this.heapStep?.bind(this) : undefined;
    const heap = heapStep ? tfjsHeap() : null;
    if (heap && heapStep) {
      // Heap path: one kernel per variable; variables it declines take the tensor path.
      let coef = 1;
      if (this.maxGradNorm !== undefined) {
        const norm = globalNorm(grads.map(([, g]) => g));
        coef = Math.min(1, this.maxGradNorm / (norm.dataSync()[0]! + 1e-6));
        norm.dispose();
      }
      const declined = grads.filter(([variable, grad]) => {
        const state = this.stateOf(variable);
        state.step += 1;
        if (heapStep(heap, variable, grad, state, coef)) return false;
        state.step -= 1;
        return true;
      });
      if (declined.length > 0) this.applyTensors(declined, undefined, coef);
      return;
    }
    const hostMax = this.hostMaxSize;
    const host = HOST_BACKENDS.has(tf.getBackend()) ? grads.filter(([v]) => v.size <= hostMax) : [];
    if (host.length === 0) {
      this.applyTensors(grads, this.maxGradNorm);
      return;
    }
    const device = host.length === grads.length ? [] : grads.filter(([v]) => v.size > hostMax);
    const hostGrads = host.map(([, g]) => g.dataSync() as Float32Array);
    let coef = 1;
    if (this.maxGradNorm !== undefined) {
      let total = 0;
      for (const g of hostGrads) for (let i = 0; i < g.length; i++) total += g[i]! * g[i]!;
      if (device.length > 0) {
        const norm = globalNorm(device.map(([, g]) => g));
        total += norm.dataSync()[0]! ** 2;
        norm.dispose();
      }
      coef = Math.min(1, this.maxGradNorm / (Math.sqrt(total) + 1e-6));
    }
    for (let k = 0; k < host.length; k++) {
      const variable = host[k]![0];
      let g = hostGrads[k]!;
      if (coef !== 1) g = g.map((x) => x * coef);
      const state = this.stateOf(variable);
      state.step += 1;
      const values = new Float32Array(variable.dataSync());
      this.updateHost(values, g, state);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, "float32")));
    }
    if (device.length > 0) this.applyTensors(device, undefined, coef);
  }

  /** The tensor path over `grads`, with optional tensor-side global-norm clipping or a fixed factor. */
  private applyTensors(grads: readonly VariableGrad[], maxGradNorm: number | undefined, coef = 1): void {
    tf.tidy(() => {
      let gradients = grads.map(([, g]) => g);
      if (maxGradNorm !== undefined) gradients = clipGradNorm(gradients, maxGradNorm);
      else if (coef !== 1) gradients = gradients.map((g) => tf.mul(g, coef));
      for (let i = 0; i < grads.length; i++) {
        const variable = grads[i]![0];
        const state = this.stateOf(variable);
        state.step += 1;
        this.updateVariable(variable, gradients[i]!, state);
      }
    });
  }

  /**
   * The heap path (see {@link OptimizerOptions.heap}): updates `variable` with a kernel on the
   * wasm backend's heap and returns true, or returns false (changing nothing) when this
   * kernel cannot run; `state.step` already counts this update and `coef` is the global-norm
   * clipping factor. Optimizers without a kernel leave it undefined.
   * @internal
   */
  protected heapStep?(heap: TfjsHeap, variable: tf.Variable, grad: tf.Tensor, state: SlotState, coef: number): boolean;

  /** Called once per `apply`, before any variable is updated (e.g. ClippedAdam's lr decay). */
  protected beforeUpdate(): void {}

  /**
   * Updates `variable` in place (with `assign`) from `grad`. Runs inside `tf.tidy`; `state.step`
   * already counts this update. Create slots with {@link Optimizer.slot}.
   */
  protected abstract updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void;

  /**
   * The host path: updates `values` (a copy of the variable's values, written back afterwards)
   * in place from `grad`, with the same arithmetic as {@link Optimizer.updateVariable} (in
   * double precision, rounded to float32 when stored). `state.step` already counts this update.
   * Get slots with {@link Optimizer.hostSlot}.
   */
  protected abstract updateHost(values: Float32Array, grad: Float32Array, state: SlotState): void;

  /** The tensor slot `name` of `variable`, created as zeros (or from its host array) on first use. */
  protected slot(variable: tf.Variable, state: SlotState, name: string): tf.Variable {
    let s = state.slots.get(name);
    if (s === undefined) {
      const host = state.arrays.get(name);
      s = tf.tidy(() => tf.variable(host ? tf.tensor(host, variable.shape, "float32") : tf.zerosLike(variable), false, undefined, "float32"));
      state.arrays.delete(name);
      state.slots.set(name, s);
    }
    return s;
  }

  /** The host slot `name` of a variable of `size` elements, zeros (or its tensor slot's values) on first use. */
  protected hostSlot(state: SlotState, name: string, size: number): Float32Array {
    let a = state.arrays.get(name);
    if (a === undefined) {
      const tensor = state.slots.get(name);
      a = tensor ? new Float32Array(tensor.dataSync()) : new Float32Array(size);
      if (tensor) {
        tensor.dispose();
        state.slots.delete(name);
      }
      state.arrays.set(name, a);
    }
    return a;
  }

  private stateOf(variable: tf.Variable): SlotState {
    let state = this.states.get(variable);
    if (state === undefined) {
      state = { step: 0, slots: new Map(), arrays: new Map() };
      this.states.set(variable, state);
    }
    return state;
  }

  /** The variables this optimizer holds state for. */
  trackedVariables(): tf.Variable[] {
    return [...this.states.keys()];
  }

  /**
   * The whole state as plain data. `nameOf` names each variable in the output (default: its
   * tfjs name, which is unique within one process; pass parameter names for checkpoints that
   * outlive the process, e.g. `paramNames(store).nameOf`).
   */
  getState(nameOf: (variable: tf.Variable) => string = (v) => v.name): OptimizerState {
    const variables: Record<string, VariableStateData> = {};
    for (const [variable, state] of this.states) {
      const slots: Record<string, { shape: number[]; values: number[] }> = {};
      for (const [slotName, slot] of state.slots) {
        slots[slotName] = { shape: [...slot.shape], values: Array.from(slot.dataSync()) };
      }
      for (const [slotName, values] of state.arrays) slots[slotName] = { shape: [...variable.shape], values: Array.from(values) };
      variables[nameOf(variable)] = { step: state.step, slots };
    }
    return { kind: this.constructor.name, lr: this.lr, variables };
  }

  /**
   * Restores a state written by {@link Optimizer.getState}. `variableOf` maps each stored name
   * back to its variable (default: tfjs' registry of variables by name); a name it cannot
   * resolve throws, naming it. Existing state for the same variables is replaced.
   */
  setState(state: OptimizerState, variableOf: (name: string) => tf.Variable | undefined = registeredVariable): void {
    if (state.kind !== this.constructor.name) {
      throw new Error(`${this.constructor.name}.setState: the state was written by ${state.kind}`);
    }
    const restored: Array<[tf.Variable, SlotState]> = [];
    for (const [name, data] of Object.entries(state.variables)) {
      const variable = variableOf(name);
      if (variable === undefined) throw new Error(`${this.constructor.name}.setState: no variable for '${name}'`);
      const arrays = new Map<string, Float32Array>();
      for (const [slotName, { shape, values }] of Object.entries(data.slots)) {
        if (!tf.util.arraysEqual(shape, variable.shape) || values.length !== variable.size) {
          throw new Error(
            `${this.constructor.name}.setState: slot '${slotName}' of '${name}' has shape [${shape.join(", ")}], the variable [${variable.shape.join(", ")}]`,
          );
        }
        // Restored as host arrays; the tensor path moves them to tensors on first use.
        arrays.set(slotName, Float32Array.from(values));
      }
      restored.push([variable, { step: data.step, slots: new Map(), arrays }]);
    }
    for (const [variable, slotState] of restored) {
      this.disposeState(variable);
      this.states.set(variable, slotState);
    }
    this.lr = state.lr;
  }

  /** Forgets the state of `variable` (or of every variable), disposing its slot tensors. */
  reset(variable?: tf.Variable): void {
    if (variable !== undefined) {
      this.disposeState(variable);
      return;
    }
    for (const v of [...this.states.keys()]) this.disposeState(v);
  }

  /** Releases every slot tensor. The optimizer can still be used (state restarts from zero). */
  dispose(): void {
    this.reset();
  }

  private disposeState(variable: tf.Variable): void {
    const state = this.states.get(variable);
    if (state === undefined) return;
    for (const slot of state.slots.values()) slot.dispose();
    this.states.delete(variable);
  }
}

function registeredVariable(name: string): tf.Variable | undefined {
  return tf.engine().registeredVariables[name];
}
