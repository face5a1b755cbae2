/**
 * Helpers for the nn tests: the PyTorch fixture (scripts/fixtures/gen_nn.py), tensors from its
 * entries, closeness checks, and gradients by parameter name in PyTorch layout.
 */
import * as tf from "@tensorflow/tfjs";
import { expect } from "vitest";
import { readFileSync } from "node:fs";
import type { Module, StateDict, StateEntry } from "../../../src/scvi/nn/index.js";

/** One fixture case; fields vary by case. */
export type Case = Record<string, unknown> & {
  state?: Record<string, { shape: number[]; data: number[] }>;
};

interface Fixture {
  torch: string;
  cases: Record<string, Case>;
}

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/nn.json", import.meta.url), "utf8")) as Fixture;

/** The fixture case `name`. */
export function fixtureCase(name: string): Case {
  const c = fixture.cases[name];
  if (c === undefined) throw new Error(`no fixture case '${name}'`);
  return c;
}

/** A JSON entry `{shape, data}`. */
export interface JsonEntry {
  shape: number[];
  data: number[];
}

/** A float32 tensor from a fixture entry. */
export function tensorOf(e: unknown): tf.Tensor {
  const { shape, data } = e as JsonEntry;
  return tf.tensor(data, shape, "float32");
}

/** A module state dict from a fixture case's `state`. */
export function stateOf(c: Case): StateDict {
  const out: StateDict = {};
  for (const [k, v] of Object.entries(c.state ?? {})) out[k] = { shape: v.shape, data: Float32Array.from(v.data) };
  return out;
}

/** Asserts `actual` is close to the fixture entry (float32 tolerance), naming `what`. */
export function expectCloseTo(actual: tf.Tensor | StateEntry, expected: unknown, what: string, rtol = 1e-4, atol = 2e-5): void {
  const e = expected as JsonEntry;
  const shape = actual instanceof tf.Tensor ? actual.shape : actual.shape;
  const values = actual instanceof tf.Tensor ? actual.dataSync() : actual.data;
  expect(shape, `${what}: shape`).toEqual(e.shape);
  let worst = 0;
  let worstAt = -1;
  for (let i = 0; i < e.data.length; i++) {
    const err = Math.abs(values[i]! - e.data[i]!) - (atol + rtol * Math.abs(e.data[i]!));
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Infinity : err;
      worstAt = i;
    }
  }
  expect(worstAt, `${what}: element ${worstAt} is ${values[worstAt]} but torch gives ${e.data[worstAt]}`).toBe(-1);
}

/**
 * The scalar loss Σ_k Σ(out_k · R_k) and its gradients with respect to every trainable
 * parameter of `module` and every `inputs` variable, by name, in PyTorch layout. Parameters
 * with no gradient map to null. The caller disposes the returned gradients.
 */
export function lossAndGrads(
  module: Module,
  forward: () => tf.Tensor[],
  lossWeights: unknown[],
  inputs: Record<string, tf.Variable> = {},
): { loss: number; grads: Record<string, tf.Tensor | null> } {
  const named: Array<[string, tf.Variable]> = [...module.namedParameters(), ...Object.entries(inputs)];
  const weights = lossWeights.map(tensorOf);
  const { value, grads } = tf.variableGrads(
    () => tf.addN(forward().map((o, i) => tf.sum(tf.mul(o, weights[i]!)))) as tf.Scalar,
    named.map(([, v]) => v),
  );
  const out: Record<string, tf.Tensor | null> = {};
  for (const [name, v] of named) {
    const g = grads[v.name];
    if (g === undefined) {
      out[name] = null;
    } else if (name in inputs) {
      out[name] = g;
    } else {
      const s = module.toStateLayout(name, g);
      if (s !== g) g.dispose();
      out[name] = s;
    }
  }
  const loss = value.dataSync()[0]!;
  value.dispose();
  weights.forEach((w) => w.dispose());
  return { loss, grads: out };
}

/**
 * Compares gradients with the fixture's (null: no gradient), then disposes them. The absolute
 * tolerance grows with the largest gradient of the case (`atol + 1e-6 · max |g|`): gradients
 * that are zero in exact arithmetic (a bias feeding a training-mode BatchNorm) are float32
 * round-off of the other terms on both sides.
 */
export function expectGradsClose(
  grads: Record<string, tf.Tensor | null>,
  expected: unknown,
  context: string,
  rtol = 1e-4,
  atol = 2e-5,
): void {
  const exp = expected as Record<string, JsonEntry | null>;
  expect(Object.keys(grads).sort(), `${context}: gradient names`).toEqual(Object.keys(exp).sort());
  let scale = 1;
  for (const e of Object.values(exp)) if (e) for (const v of e.data) scale = Math.max(scale, Math.abs(v));
  for (const [name, g] of Object.entries(grads)) {
    const e = exp[name];
    if (e === null || e === undefined) {
      expect(g, `${context}: ${name} should have no gradient`).toBeNull();
    } else {
      expect(g, `${context}: ${name} has no gradient`).not.toBeNull();
      expectCloseTo(g!, e, `${context}: grad ${name}`, rtol, atol + 1e-6 * scale);
    }
    g?.dispose();
  }
}

/** Asserts the buffers of `module` (running statistics) match the fixture's entries. */
export function expectBuffersClose(module: Module, expected: unknown, context: string): void {
  const exp = expected as Record<string, JsonEntry>;
  const buffers = new Map(module.namedBuffers());
  expect([...buffers.keys()].sort(), `${context}: buffer names`).toEqual(Object.keys(exp).sort());
  for (const [name, e] of Object.entries(exp)) expectCloseTo(buffers.get(name)!, e, `${context}: ${name}`, 1e-5, 1e-6);
}
