/**
 * The `Optimizer` base class: updates unconstrained `tf.Variable`s from their gradients.
 *
 * Our own implementations (not `tf.train`) so that weight decay, clipping and learning-rate
 * decay follow torch and Pyro exactly. Per-variable state (moments, momentum buffers, step
 * counters) is keyed by the variable's identity and kept in non-trainable `tf.Variable`s that
 * are updated with `assign`, so an update allocates no lasting tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { clipGradNorm } from "./clip.js";

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
}

/** The per-variable state of an optimizer, as plain data. */
export interface VariableStateData {
  /** How many updates this variable has received. */
  readonly step: number;
  /** The state tensors (e.g. `expAvg`, `expAvgSq`, `momentumBuffer`) as flat values with shapes. */
  readonly slots: Readonly<Record<string, { readonly shape: number[]; readonly values: number[] }>>;
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

/** The live state of one variable: an update counter and named slot variables. */
export interface SlotState {
  /** Updates applied so far, including the current one while it runs. */
  step: number;
  /** Slot tensors by name, each of the variable's shape, created lazily by the optimizer. */
  readonly slots: Map<string, tf.Variable>;
}

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
   * Applies one update to each variable from its gradient. Runs inside `tf.tidy`; the
   * gradients are not disposed (the caller owns them).
   */
  apply(grads: readonly VariableGrad[]): void {
    if (grads.length === 0) return;
    this.beforeUpdate();
    tf.tidy(() => {
      const variables = grads.map(([v]) => v);
      const gradients = this.maxGradNorm === undefined ? grads.map(([, g]) => g) : clipGradNorm(grads.map(([, g]) => g), this.maxGradNorm);
      for (let i = 0; i < variables.length; i++) {
        const variable = variables[i]!;
        const grad = gradients[i]!;
        if (!tf.util.arraysEqual(variable.shape, grad.shape)) {
          throw new Error(
            `${this.constructor.name}: gradient of shape [${grad.shape.join(", ")}] for variable '${variable.name}' of shape [${variable.shape.join(", ")}]`,
          );
        }
        const state = this.stateOf(variable);
        state.step += 1;
        this.updateVariable(variable, grad, state);
      }
    });
  }

  /** Called once per `apply`, before any variable is updated (e.g. ClippedAdam's lr decay). */
  protected beforeUpdate(): void {}

  /**
   * Updates `variable` in place (with `assign`) from `grad`. Runs inside `tf.tidy`; `state.step`
   * already counts this update. Create slots with {@link Optimizer.slot}.
   */
  protected abstract updateVariable(variable: tf.Variable, grad: tf.Tensor, state: SlotState): void;

  /** The slot `name` of `variable`, created as zeros of its shape on first use. */
  protected slot(variable: tf.Variable, state: SlotState, name: string): tf.Variable {
    let s = state.slots.get(name);
    if (s === undefined) {
      s = tf.tidy(() => tf.variable(tf.zerosLike(variable), false, undefined, "float32"));
      state.slots.set(name, s);
    }
    return s;
  }

  private stateOf(variable: tf.Variable): SlotState {
    let state = this.states.get(variable);
    if (state === undefined) {
      state = { step: 0, slots: new Map() };
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
      const slots = new Map<string, tf.Variable>();
      for (const [slotName, { shape, values }] of Object.entries(data.slots)) {
        if (!tf.util.arraysEqual(shape, variable.shape)) {
          throw new Error(
            `${this.constructor.name}.setState: slot '${slotName}' of '${name}' has shape [${shape.join(", ")}], the variable [${variable.shape.join(", ")}]`,
          );
        }
        slots.set(slotName, tf.tidy(() => tf.variable(tf.tensor(values, shape, "float32"), false, undefined, "float32")));
      }
      restored.push([variable, { step: data.step, slots }]);
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
