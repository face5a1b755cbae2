/**
 * The `Module` base class: a PyTorch-like container of named trainable variables
 * (parameters), non-trainable state (buffers, e.g. BatchNorm running statistics) and child
 * modules, with a train/eval mode and state dicts.
 *
 * The PPL registers a module's weights in its parameter store through
 * {@link Module.namedParameters} (the same `tf.Variable` objects, so an optimizer updates the
 * module in place) and switches modes with {@link Module.train}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { formatShape, shapesEqual } from "../../backend/tensor.js";

/** One entry of a state dict: a shape and its values in row-major order. */
export interface StateEntry {
  /** The tensor's shape. */
  shape: number[];
  /** The values, row-major. */
  data: Float32Array;
}

/** A module's parameters and buffers by dotted name, as plain arrays (PyTorch layout). */
export type StateDict = Record<string, StateEntry>;

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /**
   * When true (the default) every parameter and buffer of the module must be in the state
   * dict and every key of the state dict must name one of them.
   */
  strict?: boolean;
}

/**
 * Base class of neural-network modules. Subclasses create their parameters with
 * {@link Module.registerParameter}, their buffers with {@link Module.registerBuffer} and their
 * children with {@link Module.registerModule} in the constructor, and define their own
 * `forward` method (each module has its own signature).
 *
 * Names are dotted paths from the module they are asked of, e.g.
 * `encoder.fcLayers.layer0.linear.weight`.
 *
 * @example
 * ```ts
 * const lin = new Linear(3, 2);
 * for (const [name, v] of lin.namedParameters()) console.log(name, v.shape);
 * // weight [3, 2]  (stored input-major; its state-dict entry has PyTorch's [2, 3])
 * // bias [2]
 * lin.dispose();
 * ```
 */
export abstract class Module {
  /** Whether the module is in training mode (dropout on, BatchNorm uses batch statistics). */
  training = true;

  private readonly ownParameters = new Map<string, tf.Variable>();
  private readonly ownBuffers = new Map<string, tf.Variable>();
  private readonly ownChildren = new Map<string, Module>();
  private disposed = false;

  /**
   * Creates a trainable variable from `initial` (which the module takes over and disposes)
   * and registers it under `name`.
   */
  protected registerParameter(name: string, initial: tf.Tensor): tf.Variable {
    return this.registerVariable(this.ownParameters, name, initial, true);
  }

  /**
   * Creates a non-trainable variable (state that is saved but not optimized, such as running
   * statistics) from `initial` (taken over and disposed) and registers it under `name`.
   */
  protected registerBuffer(name: string, initial: tf.Tensor): tf.Variable {
    return this.registerVariable(this.ownBuffers, name, initial, false);
  }

  /** Registers `child` under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, child: M): M {
    this.checkNewName(name);
    this.ownChildren.set(name, child);
    child.train(this.training);
    return child;
  }

  private registerVariable(
    into: Map<string, tf.Variable>,
    name: string,
    initial: tf.Tensor,
    trainable: boolean,
  ): tf.Variable {
    this.checkNewName(name);
    const variable = tf.variable(initial, trainable, undefined, "float32");
    initial.dispose();
    into.set(name, variable);
    return variable;
  }

  private checkNewName(name: string): void {
    if (name === "" || name.includes(".")) {
      throw new Error(`${this.constructor.name}: '${name}' is not a valid member name (empty or contains '.')`);
    }
    if (this.ownParameters.has(name) || this.ownBuffers.has(name) || this.ownChildren.has(name)) {
      throw new Error(`${this.constructor.name}: '${name}' is already registered`);
    }
  }

  /** The direct children with their names, in registration order. */
  namedChildren(): Array<[string, Module]> {
    return [...this.ownChildren];
  }

  /** This module and all its descendants with dotted names (this module's name is `""`). */
  namedModules(prefix = ""): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [name, child] of this.ownChildren) out.push(...child.namedModules(join(prefix, name)));
    return out;
  }

  /**
   * Every trainable variable of this module and its descendants, with dotted names, in
   * registration order (own parameters first, then each child's). The variables are the
   * module's own: updating them updates the module.
   */
  namedParameters(prefix = ""): Array<[string, tf.Variable]> {
    return this.collect(prefix, (m) => m.ownParameters);
  }

  /** The trainable variables of {@link Module.namedParameters}, without names. */
  parameters(): tf.Variable[] {
    return this.namedParameters().map(([, v]) => v);
  }

  /** Every non-trainable variable (buffer) of this module and its descendants, with dotted names. */
  namedBuffers(prefix = ""): Array<[string, tf.Variable]> {
    return this.collect(prefix, (m) => m.ownBuffers);
  }

  /** The number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((n, v) => n + v.size, 0);
  }

  private collect(prefix: string, pick: (m: Module) => Map<string, tf.Variable>): Array<[string, tf.Variable]> {
    const out: Array<[string, tf.Variable]> = [];
    for (const [name, v] of pick(this)) out.push([join(prefix, name), v]);
    for (const [name, child] of this.ownChildren) out.push(...child.collect(join(prefix, name), pick));
    return out;
  }

  /** Sets training mode (`true`, the default) or evaluation mode on this module and every descendant. */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.ownChildren.values()) child.train(mode);
    return this;
  }

  /** Sets evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Whether the own variable `name` is stored transposed relative to PyTorch's layout (its
   * state-dict entry is the transpose of the 2-d variable). `Linear` says so of its weight,
   * which it stores `[nIn, nOut]` (PyTorch: `[nOut, nIn]`) so its forward pass needs no
   * transpose.
   */
  protected storedTransposed(_name: string): boolean {
    return false;
  }

  /**
   * Converts `value`, laid out as the variable named `name` (a dotted name of
   * {@link Module.namedParameters} or {@link Module.namedBuffers}) is stored, to that variable's
   * state-dict (PyTorch) layout: e.g. a gradient of a `Linear` weight stored `[nIn, nOut]`
   * becomes `[nOut, nIn]`. Returns `value` itself when the layouts agree, else a new tensor.
   */
  toStateLayout(name: string, value: tf.Tensor): tf.Tensor {
    const found = this.ownedVariables().find(([n]) => n === name);
    if (found === undefined) throw new Error(`${this.constructor.name}: no parameter or buffer named '${name}'`);
    const [, module, local] = found;
    return module.storedTransposed(local) ? tf.transpose(value) : value;
  }

  /**
   * The values of every parameter and buffer, by dotted name, copied into plain arrays in
   * PyTorch's layout (a `Linear` weight is `[nOut, nIn]`). Reads tensors synchronously.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [name, module, local, variable] of this.ownedVariables()) {
      if (module.storedTransposed(local)) {
        const t = tf.transpose(variable);
        out[name] = { shape: [...t.shape], data: Float32Array.from(t.dataSync()) };
        t.dispose();
      } else {
        out[name] = { shape: [...variable.shape], data: Float32Array.from(variable.dataSync()) };
      }
    }
    return out;
  }

  /**
   * Assigns parameters and buffers from a state dict (PyTorch layout, as {@link Module.stateDict}
   * gives). The variables keep their identity (an optimizer holding them sees the new values).
   * Throws, naming the key, on a shape mismatch, and (when `strict`) on missing or unexpected keys;
   * nothing is assigned unless every entry checks.
   */
  loadStateDict(state: StateDict, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const owned = this.ownedVariables();
    const known = new Set(owned.map(([name]) => name));
    if (strict) {
      const missing = owned.map(([name]) => name).filter((name) => !(name in state));
      const unexpected = Object.keys(state).filter((key) => !known.has(key));
      if (missing.length > 0 || unexpected.length > 0) {
        throw new Error(
          `${this.constructor.name}.loadStateDict: ` +
            [
              missing.length > 0 ? `missing keys ${missing.map((k) => `'${k}'`).join(", ")}` : "",
              unexpected.length > 0 ? `unexpected keys ${unexpected.map((k) => `'${k}'`).join(", ")}` : "",
            ]
              .filter((s) => s !== "")
              .join("; "),
        );
      }
    }
    const updates: Array<[tf.Variable, tf.Tensor]> = [];
    try {
      for (const [name, module, local, variable] of owned) {
        const entry = state[name];
        if (entry === undefined) continue;
        const transposed = module.storedTransposed(local);
        const expected = transposed ? [...variable.shape].reverse() : [...variable.shape];
        if (!shapesEqual(entry.shape, expected)) {
          throw new Error(
            `${this.constructor.name}.loadStateDict: '${name}' has shape ${formatShape(entry.shape)} ` +
              `but the module expects ${formatShape(expected)}`,
          );
        }
        const size = expected.reduce((a, b) => a * b, 1);
        if (entry.data.length !== size) {
          throw new Error(
            `${this.constructor.name}.loadStateDict: '${name}' has ${entry.data.length} values for shape ${formatShape(entry.shape)}`,
          );
        }
        updates.push([
          variable,
          tf.tidy(() => {
            const value = tf.tensor(entry.data, entry.shape, "float32");
            return transposed ? tf.transpose(value) : value;
          }),
        ]);
      }
      for (const [variable, value] of updates) variable.assign(value);
    } finally {
      for (const [, value] of updates) value.dispose();
    }
  }

  /** Every own variable of this module and its descendants: [dotted name, owner, local name, variable]. */
  private ownedVariables(prefix = ""): Array<[string, Module, string, tf.Variable]> {
    const out: Array<[string, Module, string, tf.Variable]> = [];
    for (const [name, v] of this.ownParameters) out.push([join(prefix, name), this, name, v]);
    for (const [name, v] of this.ownBuffers) out.push([join(prefix, name), this, name, v]);
    for (const [name, child] of this.ownChildren) out.push(...child.ownedVariables(join(prefix, name)));
    return out;
  }

  /** Disposes every variable of this module and its descendants. Safe to call twice. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const v of this.ownParameters.values()) v.dispose();
    for (const v of this.ownBuffers.values()) v.dispose();
    for (const child of this.ownChildren.values()) child.dispose();
  }
}

function join(prefix: string, name: string): string {
  return prefix === "" ? name : `${prefix}.${name}`;
}

/**
 * A module that only groups children under names (PyTorch's `ModuleDict`); `FCLayers` keeps
 * its layers in one, named `layer0`, `layer1`, ...
 */
export class ModuleDict<M extends Module = Module> extends Module {
  private readonly items: M[] = [];

  /** @param entries the children, by name, in order. */
  constructor(entries: Array<[string, M]> = []) {
    super();
    for (const [name, m] of entries) this.add(name, m);
  }

  /** Appends a child under `name`. */
  add(name: string, child: M): M {
    this.items.push(this.registerModule(name, child));
    return child;
  }

  /** The children in order. */
  values(): readonly M[] {
    return this.items;
  }

  /** The number of children. */
  get length(): number {
    return this.items.length;
  }
}
