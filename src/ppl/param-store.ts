/**
 * The parameter store: named, trainable parameters kept as unconstrained `tf.Variable`s with
 * the constraint each one lives in. `get(name)` returns the constrained value
 * (`bijectTo(constraint).forward(unconstrained)`), so an optimizer can move the variables
 * freely and every value stays in its support.
 *
 * There is a default store ({@link getParamStore}, {@link clearParamStore}) and explicit stores:
 * {@link withParamStore} runs a function with a given store as the current one, so two models
 * never share a parameter by accident.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { bijectTo } from "../distributions/index.js";
import * as constraints from "../distributions/constraints.js";
import type { Constraint } from "../distributions/constraints.js";

/** One stored parameter. */
interface Entry {
  readonly unconstrained: tf.Variable;
  readonly constraint: Constraint;
  /** Whether the store created (and so disposes) the variable; false for registered module weights. */
  readonly owned: boolean;
}

/** A plain-data snapshot of a store, as written by `save` and read by `load`. */
export interface ParamStoreState {
  /** Unconstrained values per parameter, with their shapes. */
  readonly params: Record<
    string,
    {
      /** The parameter's shape. */
      shape: number[];
      /** Its unconstrained values, row-major. */
      values: number[];
    }
  >;
  /** Constraint names per parameter (e.g. `positive`, `interval(0, 1)`). */
  readonly constraints: Record<string, string>;
}

/** Initial value of a parameter: a tensor, a number, or a function producing one. */
export type ParamInit = tf.Tensor | number | (() => tf.Tensor);

/**
 * Parses a constraint name written by `Constraint.name` (`positive`, `interval(0, 1)`,
 * `independent(positive, 1)`, ...). Throws naming the text for an unknown constraint.
 */
export function constraintFromName(name: string): Constraint {
  const text = name.trim();
  const simple: Record<string, Constraint> = {
    real: constraints.real,
    positive: constraints.positive,
    nonnegative: constraints.nonnegative,
    unitInterval: constraints.unitInterval,
    simplex: constraints.simplex,
    lowerCholesky: constraints.lowerCholesky,
    integer: constraints.integer,
    nonnegativeInteger: constraints.nonnegativeInteger,
    positiveInteger: constraints.positiveInteger,
    boolean: constraints.boolean,
  };
  const direct = simple[text];
  if (direct) return direct;
  const call = /^(\w+)\((.*)\)$/.exec(text);
  if (call) {
    const [, fn, rest] = call as unknown as [string, string, string];
    if (fn === "independent") {
      const comma = rest.lastIndexOf(",");
      return constraints.independent(constraintFromName(rest.slice(0, comma)), Number(rest.slice(comma + 1)));
    }
    const nums = rest.split(",").map((s) => Number(s.trim()));
    const factories: Record<string, (...a: number[]) => Constraint> = {
      interval: constraints.interval,
      halfOpenInterval: constraints.halfOpenInterval,
      greaterThan: constraints.greaterThan,
      greaterThanEq: constraints.greaterThanEq,
      lessThan: constraints.lessThan,
      integerInterval: constraints.integerInterval,
      integerGreaterThanEq: constraints.integerGreaterThanEq,
    };
    const make = factories[fn];
    if (make && nums.every((n) => Number.isFinite(n))) return make(...nums);
  }
  throw new Error(`unknown constraint '${name}'`);
}

function resolveInit(name: string, init: ParamInit | undefined): tf.Tensor {
  if (init === undefined) {
    throw new Error(`param '${name}' is not in the param store and no initial value was given`);
  }
  const value = typeof init === "function" ? init() : typeof init === "number" ? tf.scalar(init) : init;
  if (value.dtype !== "float32") throw new Error(`param '${name}': initial value must be float32, got ${value.dtype}`);
  return value;
}

/** Named unconstrained parameters with their constraints. */
export class ParamStore {
  private readonly entries = new Map<string, Entry>();

  /** Whether a parameter of this name exists. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Parameter names, in creation order. */
  names(): string[] {
    return [...this.entries.keys()];
  }

  /** The number of parameters. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Returns the constrained value of `name`, creating the parameter from `init` if it is new.
   * An existing parameter ignores `init`; asking for it with a different constraint throws.
   * For the `real` constraint the variable itself is returned (no copy).
   */
  get(name: string, init?: ParamInit, constraint: Constraint = constraints.real): tf.Tensor {
    let entry = this.entries.get(name);
    if (entry === undefined) {
      entry = this.create(name, init, constraint);
    } else if (entry.constraint.name !== constraint.name && constraint !== constraints.real) {
      throw new Error(
        `param '${name}' exists with constraint ${entry.constraint.name}; it was asked for with ${constraint.name}`,
      );
    }
    return this.constrain(entry);
  }

  /** The constraint of `name`. */
  constraintOf(name: string): Constraint {
    return this.entry(name).constraint;
  }

  /** The underlying unconstrained variable of `name` (what optimizers update). */
  getUnconstrained(name: string): tf.Variable {
    return this.entry(name).unconstrained;
  }

  /** Sets `name` to a constrained value (creating it with `constraint` if new). */
  set(name: string, value: tf.Tensor, constraint?: Constraint): void {
    const existing = this.entries.get(name);
    if (existing === undefined) {
      this.create(name, value, constraint ?? constraints.real);
      return;
    }
    if (!tf.util.arraysEqual(existing.unconstrained.shape, value.shape)) {
      throw new Error(
        `param '${name}' has shape [${existing.unconstrained.shape.join(", ")}]; cannot set a value of shape [${value.shape.join(", ")}]`,
      );
    }
    tf.tidy(() => existing.unconstrained.assign(bijectTo(existing.constraint).inverse(value)));
  }

  /**
   * Registers an existing variable (e.g. a neural-network weight) under `name`, with the
   * `real` constraint. The store does not dispose it: its owner does.
   */
  registerVariable(name: string, variable: tf.Variable): void {
    const existing = this.entries.get(name);
    if (existing !== undefined) {
      if (existing.unconstrained === variable) return;
      throw new Error(`param '${name}' is already in the param store with another variable`);
    }
    this.entries.set(name, { unconstrained: variable, constraint: constraints.real, owned: false });
  }

  /** Removes `name` (disposing its variable if the store created it). */
  delete(name: string): void {
    const entry = this.entries.get(name);
    if (entry === undefined) return;
    if (entry.owned) entry.unconstrained.dispose();
    this.entries.delete(name);
  }

  /** Removes every parameter. */
  clear(): void {
    for (const name of this.names()) this.delete(name);
  }

  /** A plain-data snapshot of every parameter (unconstrained values and constraint names). */
  getState(): ParamStoreState {
    const params: Record<string, { shape: number[]; values: number[] }> = {};
    const names: Record<string, string> = {};
    for (const [name, entry] of this.entries) {
      params[name] = { shape: [...entry.unconstrained.shape], values: Array.from(entry.unconstrained.dataSync()) };
      names[name] = entry.constraint.name;
    }
    return { params, constraints: names };
  }

  /**
   * Loads a snapshot: existing parameters of the same name are overwritten in place (so
   * registered module weights keep their identity); others are created.
   */
  setState(state: ParamStoreState): void {
    for (const [name, { shape, values }] of Object.entries(state.params)) {
      const constraintName = state.constraints[name];
      if (constraintName === undefined) throw new Error(`param store state: no constraint for '${name}'`);
      const constraint = constraintFromName(constraintName);
      const existing = this.entries.get(name);
      if (existing !== undefined) {
        if (!tf.util.arraysEqual(existing.unconstrained.shape, shape)) {
          throw new Error(
            `param store state: '${name}' has shape [${shape.join(", ")}], the store has [${existing.unconstrained.shape.join(", ")}]`,
          );
        }
        tf.tidy(() => existing.unconstrained.assign(tf.tensor(values, shape, "float32")));
      } else {
        const variable = tf.variable(tf.tensor(values, shape, "float32"), true, undefined, "float32");
        this.entries.set(name, { unconstrained: variable, constraint, owned: true });
      }
    }
  }

  /**
   * Writes the state as JSON to `file`, atomically (a temporary file, then a rename), so a
   * failed save leaves an existing file intact.
   */
  async save(file: string): Promise<void> {
    const text = JSON.stringify(this.getState());
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    await fs.writeFile(tmp, text, "utf8");
    await fs.rename(tmp, file);
  }

  /** Reads a state written by `save`. Throws naming the file when it is missing or not a state. */
  async load(file: string): Promise<void> {
    let state: ParamStoreState;
    try {
      state = JSON.parse(await fs.readFile(file, "utf8")) as ParamStoreState;
    } catch (err) {
      throw new Error(`cannot read param store from '${file}': ${(err as Error).message}`);
    }
    if (typeof state !== "object" || state === null || typeof state.params !== "object" || typeof state.constraints !== "object") {
      throw new Error(`'${file}' is not a param store file (expected { params, constraints })`);
    }
    this.setState(state);
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (entry === undefined) {
      throw new Error(`param '${name}' is not in the param store (it has: ${this.names().join(", ") || "nothing"})`);
    }
    return entry;
  }

  private create(name: string, init: ParamInit | undefined, constraint: Constraint): Entry {
    const unconstrained = tf.tidy(() => {
      const value = resolveInit(name, init);
      const ok = tf.all(constraint.check(value)).dataSync()[0];
      if (!ok) throw new Error(`param '${name}': initial value is outside its constraint ${constraint.name}`);
      return bijectTo(constraint).inverse(value);
    });
    const variable = tf.variable(unconstrained, true, undefined, "float32");
    unconstrained.dispose();
    const entry: Entry = { unconstrained: variable, constraint, owned: true };
    this.entries.set(name, entry);
    return entry;
  }

  private constrain(entry: Entry): tf.Tensor {
    if (entry.constraint === constraints.real || entry.constraint.name === "real") return entry.unconstrained;
    return bijectTo(entry.constraint).forward(entry.unconstrained);
  }
}

const defaultStore = new ParamStore();
let currentStore: ParamStore = defaultStore;

/** The current param store: the default one, or the one installed by {@link withParamStore}. */
export function getParamStore(): ParamStore {
  return currentStore;
}

/** Clears the default param store (disposing its variables). */
export function clearParamStore(): void {
  defaultStore.clear();
}

/**
 * Runs `fn` with `store` as the current param store (restored afterwards, even on a throw).
 *
 * @example
 * ```ts
 * const store = new ParamStore();
 * withParamStore(store, () => svi.step(data));
 * ```
 */
export function withParamStore<R>(store: ParamStore, fn: () => R): R {
  const previous = currentStore;
  currentStore = store;
  try {
    return fn();
  } finally {
    currentStore = previous;
  }
}
