/**
 * `scale` and `mask` as seen through an estimator (deterministic comparisons under one seed:
 * the guide makes the same draws whatever the handlers do to log-densities):
 * `scale(s)` on model and guide multiplies the loss by `s`, nested scales multiply, the loss
 * is affine in a likelihood scale, `mask(false)` zeroes it, masks combine by AND, and masking
 * data points out equals dropping them.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { RandomStream, withRandomStream } from "../../backend/random.js";
import { mask, scale } from "../../ppl/handlers/scale.js";
import type { ELBOEstimator, ModelFn } from "../../infer/elbo/estimator.js";
import { arbConjugateCase } from "../arbitraries.js";
import type { ConjugateCase } from "../conjugate/case.js";
import { expectEqual } from "../stats.js";
import { inCase, type CheckOptions, type PropertyOptions } from "./context.js";

/**
 * Invariant 8, for the case's model and guide and scales `a`, `b` drawn from the case's seed:
 * - `L(scale(m, a), scale(g, a)) = a · L(m, g)`;
 * - `L(scale(scale(m, a), b), scale(scale(g, a), b)) = a·b · L(m, g)`;
 * - with the likelihood scaled by `s`: `L(s) = L(0) + s · (L(1) − L(0))`;
 * - `L(mask(m, false), mask(g, false)) = 0`;
 * - likelihood masked by `m1` inside `m2` = masked by `m1 ∧ m2` = the model on only the kept points.
 * Equalities hold to float32 rounding (`absTol`, default `2e-5 · (1 + |values|)`).
 */
export function assertScaleAndMask(estimator: ELBOEstimator, c: ConjugateCase, options: CheckOptions = {}): void {
  const rng = new RandomStream(`${c.seed}:scale-mask:params`);
  const a = 0.25 + 2 * rng.uniform();
  const b = 0.25 + 2 * rng.uniform();
  const s = 0.1 + 3 * rng.uniform();
  const n = c.data.length;
  const m1 = c.data.map(() => rng.uniform() < 0.7);
  const m2 = c.data.map(() => rng.uniform() < 0.7);
  const keep = c.data.map((_, i) => m1[i]! && m2[i]!);
  if (!keep.some(Boolean)) keep[0] = m1[0] = m2[0] = true;
  const kept = c.data.filter((_, i) => keep[i]);
  const streamSeed = `${c.seed}:scale-mask`;
  inCase(c.seed, "scale-mask", () => {
    const at = (model: ModelFn<[]>, guide: ModelFn<[]>) => withRandomStream(new RandomStream(streamSeed), () => estimator.loss(model, guide));
    const tol = (...values: number[]) => options.absTol ?? 2e-5 * (1 + Math.max(...values.map(Math.abs)));
    const ctx = `a=${a}, b=${b}, s=${s}, m1=[${m1.map(Number).join("")}], m2=[${m2.map(Number).join("")}]\n${String(c)}`;
    const base = at(c.model, c.guide);
    const scaled = at(scale(c.model, a), scale(c.guide, a));
    expectEqual("loss with scale(a) on model and guide = a · loss", scaled, a * base, tol(base * a), ctx);
    const nested = at(scale(scale(c.model, a), b), scale(scale(c.guide, a), b));
    expectEqual("nested scales multiply: scale(scale(·, a), b) = a·b · loss", nested, a * b * base, tol(base * a * b), ctx);
    const withLikScale = (f: number) => at(() => {
      const z = c.prior();
      scale(() => c.likelihood(z), f)();
    }, c.guide);
    const l0 = withLikScale(0);
    const l1 = withLikScale(1);
    const ls = withLikScale(s);
    expectEqual("loss with the likelihood scaled by 1 = loss", l1, base, tol(base), ctx);
    expectEqual("loss is affine in a likelihood scale s", ls, l0 + s * (l1 - l0), tol(l0, l1, ls, s * l1), ctx);
    const off = at(mask(c.model, false), mask(c.guide, false));
    expectEqual("mask(false) on model and guide zeroes the loss", off, 0, options.absTol ?? 1e-6, ctx);
    const maskTensor = (m: readonly boolean[]) => tf.tensor1d(m.map(Number), "bool");
    const nestedMask = at(() => {
      const z = c.prior();
      mask(mask(() => c.likelihood(z), maskTensor(m1)), maskTensor(m2))();
    }, c.guide);
    const andMask = at(() => {
      const z = c.prior();
      mask(() => c.likelihood(z), maskTensor(keep))();
    }, c.guide);
    const dropped = at(() => c.likelihood(c.prior(), { data: kept }), c.guide);
    expectEqual(`masks combine by AND (${n} points)`, nestedMask, andMask, tol(nestedMask, andMask), ctx);
    expectEqual("masking points out = dropping them", andMask, dropped, tol(andMask, dropped), ctx);
  });
}

/** Invariant 8 as a property over generated cases. */
export function scaleAndMaskCompose(estimator: ELBOEstimator, options: PropertyOptions = {}) {
  return fc.property(options.cases ?? arbConjugateCase(), (c) => assertScaleAndMask(estimator, c, options));
}
