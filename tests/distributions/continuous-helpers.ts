/**
 * Shared checks for the continuous families' tests: fixture loading and comparison (references
 * from scripts/fixtures/gen_continuous.py), Monte-Carlo moment and pathwise-gradient checks with
 * tolerances derived from the standard error, shape laws as fast-check properties, seeded
 * reproducibility and tensor-leak checks.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { expect } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import type { Distribution } from "../../src/distributions/distribution.js";

/** A nested array of numbers, with non-finite numbers encoded as strings. */
export type Encoded = number | string | Encoded[];
/** A nested array of numbers. */
export type Nested = number | Nested[];

/** One reference case of a family. */
export interface FixtureCase {
  note: string;
  params: Record<string, Encoded>;
  value: Encoded;
  logProb: Encoded;
  logProbScale: Encoded;
  mean: Encoded;
  variance: Encoded;
  entropy: Encoded;
  entropyScale: Encoded;
}

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/continuous.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;

/** The reference cases of one family (`normal`, `gamma`, ...). */
export function fixtureCases(family: string): FixtureCase[] {
  const cases = fixtures[family] as FixtureCase[] | undefined;
  if (!cases || cases.length === 0) throw new Error(`no fixtures for ${family}`);
  return cases;
}

/** The Gamma sampler's gradient references (mpmath). */
export function gammaGradientFixtures(): { concentration: number; logValue: number; dLogValue: number }[] {
  return fixtures.gammaSampleGradient as { concentration: number; logValue: number; dLogValue: number }[];
}

/** Decodes "Infinity"/"-Infinity"/"NaN" strings. */
export function decode(x: Encoded): Nested {
  if (Array.isArray(x)) return x.map(decode);
  if (typeof x === "string") return Number(x);
  return x;
}

/** A float32 tensor of an encoded nested array. */
export function tensorOf(x: Encoded): tf.Tensor {
  return tf.tensor(decode(x) as number[], undefined, "float32");
}

function flatten(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flatten) : [x];
}

function shapeOf(x: Nested): number[] {
  return Array.isArray(x) ? [x.length, ...(x.length > 0 ? shapeOf(x[0]!) : [])] : [];
}

/**
 * Asserts `actual` matches `expected` elementwise: same shape, NaN where NaN, equal infinities,
 * and otherwise `|a - e| <= rtol |e| + atol · scale` (scale defaults to 1).
 */
export function expectClose(
  actual: tf.Tensor,
  expected: Encoded,
  label: string,
  { rtol = 1e-5, atol = 1e-6, scale }: { rtol?: number; atol?: number; scale?: Encoded } = {},
): void {
  const e = decode(expected);
  expect(actual.shape, `${label}: shape`).toEqual(shapeOf(e));
  const a = Array.from(actual.dataSync());
  const ev = flatten(e);
  const sv = scale === undefined ? ev.map(() => 1) : flatten(decode(scale));
  for (let i = 0; i < ev.length; i++) {
    const ai = a[i]!;
    const ei = ev[i]!;
    const where = `${label}[${i}]: got ${ai}, expected ${ei}`;
    if (Number.isNaN(ei)) expect(Number.isNaN(ai), where).toBe(true);
    else if (!Number.isFinite(ei)) expect(ai, where).toBe(ei);
    else expect(Math.abs(ai - ei), where).toBeLessThanOrEqual(rtol * Math.abs(ei) + atol * Math.max(1, sv[i]!));
  }
}

/** Tolerances for {@link checkFixtures}: relative, and absolute per unit of the fixture's term scale. */
export interface FixtureTolerance {
  rtol?: number;
  atol?: number;
}

/**
 * Compares `logProb`, `mean`, `variance` and `entropy` with every reference case of `family`.
 * `logProb` and `entropy` use the fixture's term scale for the absolute tolerance (float32
 * cancellation), `mean` and `variance` a relative one.
 */
export function checkFixtures(
  family: string,
  build: (params: Record<string, tf.Tensor>) => Distribution,
  { rtol = 1e-5, atol = 3e-6 }: FixtureTolerance = {},
): void {
  for (const c of fixtureCases(family)) {
    tf.tidy(() => {
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensorOf(v)]));
      const d = build(params);
      expectClose(d.logProb(tensorOf(c.value)), c.logProb, `${family} ${c.note}: logProb`, { rtol, atol, scale: c.logProbScale });
      expectClose(d.mean, c.mean, `${family} ${c.note}: mean`, { rtol, atol: 0 });
      expectClose(d.variance, c.variance, `${family} ${c.note}: variance`, { rtol: 2 * rtol, atol: 0 });
      expectClose(d.entropy(), c.entropy, `${family} ${c.note}: entropy`, { rtol, atol, scale: c.entropyScale });
    });
  }
}

/** Runs `fn` inside `tf.tidy` and asserts the live tensor count is unchanged afterwards. */
export function expectNoLeak(fn: () => void): void {
  const before = tf.memory().numTensors;
  tf.tidy(fn);
  expect(tf.memory().numTensors).toBe(before);
}

/** Mean and standard error of the mean of `x` along axis 0 (as plain arrays). */
export function meanAndSe(x: tf.Tensor): { mean: number[]; se: number[] } {
  return tf.tidy(() => {
    const n = x.shape[0]!;
    const { mean, variance } = tf.moments(x, 0);
    const se = tf.sqrt(tf.div(variance, n - 1));
    return { mean: Array.from(mean.dataSync()), se: Array.from(se.dataSync()) };
  });
}

/**
 * Checks the sample mean and variance of `n` draws of `d` (seeded) against its closed-form
 * `mean` and `variance`, within `z` standard errors. The standard error of the variance is
 * estimated from the draws as the standard error of the mean of `(x - x̄)²`.
 */
export function expectSampleMoments(d: Distribution, n: number, seed: number, z = 4.5): void {
  tf.tidy(() => {
    setSeed(seed);
    const x = d.sample([n]);
    expect(x.shape).toEqual(d.shape([n]));
    const m = meanAndSe(x);
    const centred = tf.square(tf.sub(x, tf.mean(x, 0)));
    const v = meanAndSe(centred);
    const mean = Array.from(d.mean.dataSync());
    const variance = Array.from(d.variance.dataSync());
    for (let i = 0; i < mean.length; i++) {
      expect(Math.abs(m.mean[i]! - mean[i]!), `mean[${i}]: sample ${m.mean[i]} vs ${mean[i]} (se ${m.se[i]})`).toBeLessThan(
        z * m.se[i]! + 1e-7,
      );
      // The sample variance is biased by a factor (n-1)/n; negligible against the tolerance.
      expect(
        Math.abs(v.mean[i]! - variance[i]!),
        `variance[${i}]: sample ${v.mean[i]} vs ${variance[i]} (se ${v.se[i]})`,
      ).toBeLessThan(z * v.se[i]! + 1e-7);
    }
  });
}

/**
 * Checks the pathwise (reparameterized) gradient of `E[f(x)]` with respect to one parameter.
 * The parameter is repeated `n` times along a batch dimension so that one `rsample()` gives `n`
 * independent per-draw gradients `d f(x_i) / d θ_i`; their mean must match `analytic(θ)` (the
 * gradient of the closed-form expectation) within `z` standard errors.
 *
 * @param build the distribution for a parameter tensor of shape `[n]` (other parameters fixed)
 * @param f the test function applied to the draw of shape `[n] + eventShape`, returning `[n]`
 */
export function expectPathwiseGradient(
  build: (theta: tf.Tensor) => Distribution,
  theta: number,
  f: (x: tf.Tensor) => tf.Tensor,
  analytic: number,
  { n = 4000, seed = 3, z = 4.5, label = "gradient" }: { n?: number; seed?: number; z?: number; label?: string } = {},
): void {
  tf.tidy(() => {
    setSeed(seed);
    const thetas = tf.fill([n], theta);
    const perDraw = tf.grad((t) => tf.sum(f(build(t).rsample())))(thetas);
    expect(perDraw.shape).toEqual([n]);
    const finite = tf.all(tf.isFinite(perDraw)).dataSync()[0];
    expect(finite, `${label}: non-finite per-draw gradient`).toBe(1);
    const { mean, se } = meanAndSe(perDraw.reshape([n, 1]));
    expect(
      Math.abs(mean[0]! - analytic),
      `${label}: Monte-Carlo ${mean[0]} vs analytic ${analytic} (se ${se[0]})`,
    ).toBeLessThan(z * se[0]! + 1e-6 * Math.abs(analytic));
  });
}

/** The derivative of a scalar function of one number, by tf.grad (for closed-form moments). */
export function derivative(fn: (theta: tf.Tensor) => tf.Tensor, theta: number): number {
  return tf.tidy(() => tf.grad((t) => fn(t))(tf.scalar(theta)).dataSync()[0]!);
}

const dimArb = fc.integer({ min: 1, max: 3 });
/** Shapes of rank 0..2 with dimensions 1..3. */
export const smallShape = fc.array(dimArb, { minLength: 0, maxLength: 2 });

/**
 * Shape laws as fast-check properties, for any batch shape built by `build(batchShape)`:
 * `sample(s)` and `rsample(s)` have shape `s + batchShape + eventShape`, `logProb` of a draw
 * has shape `s + batchShape` and is finite, and `expand` only broadcasts: the expanded
 * distribution has the same class, the new batch shape, and a `logProb` equal to the broadcast
 * of the original's.
 */
export function checkShapeLaws(build: (batchShape: number[]) => Distribution, eventShape: number[] = []): void {
  fc.assert(
    fc.property(smallShape, smallShape, (batchShape, sampleShape) => {
      tf.tidy(() => {
        const d = build(batchShape);
        expect(d.batchShape).toEqual(batchShape);
        expect(d.eventShape).toEqual(eventShape);
        const x = d.sample(sampleShape);
        expect(x.shape).toEqual([...sampleShape, ...batchShape, ...eventShape]);
        if (d.hasRsample) expect(d.rsample(sampleShape).shape).toEqual(x.shape);
        const lp = d.logProb(x);
        expect(lp.shape).toEqual([...sampleShape, ...batchShape]);
        expect(tf.all(tf.isFinite(lp)).dataSync()[0]).toBe(1);
        expect(d.mean.shape).toEqual([...batchShape, ...eventShape]);
        expect(d.variance.shape).toEqual([...batchShape, ...eventShape]);
        expect(d.entropy().shape).toEqual(batchShape);
      });
    }),
    { seed: 42, numRuns: 25 },
  );
  fc.assert(
    fc.property(smallShape, fc.array(dimArb, { minLength: 0, maxLength: 2 }), (batchShape, lead) => {
      tf.tidy(() => {
        // Replace the first batch dimension by 1 and grow it back in the expanded distribution.
        const small = batchShape.length > 0 ? [1, ...batchShape.slice(1)] : [];
        const d = build(small);
        const target = [...lead, ...batchShape];
        const e = d.expand(target);
        expect(e.constructor).toBe(d.constructor);
        expect(e.batchShape).toEqual(target);
        expect(e.eventShape).toEqual(eventShape);
        const x = e.sample();
        expect(x.shape).toEqual([...target, ...eventShape]);
        const expected = d.logProb(x);
        const lp = e.logProb(x);
        expect(lp.shape).toEqual(target);
        expect(Array.from(lp.dataSync())).toEqual(Array.from(expected.dataSync()));
        expect(Array.from(e.mean.dataSync())).toEqual(Array.from(tf.broadcastTo(d.mean, [...target, ...eventShape]).dataSync()));
        expect(Array.from(e.entropy().dataSync())).toEqual(Array.from(tf.broadcastTo(d.entropy(), target).dataSync()));
      });
    }),
    { seed: 42, numRuns: 25 },
  );
  expect(() => tf.tidy(() => void build([2, 3]).expand([3, 3]))).toThrow(/expand/);
}

/**
 * Same seed, same draws; another seed, other draws; and no leaked tensors from sampling,
 * scoring, moments, entropy and a gradient through `rsample` (when there is one).
 */
export function checkSeedingAndLeaks(build: () => Distribution, gradParam?: (t: tf.Tensor) => Distribution): void {
  const draw = (seed: number) =>
    tf.tidy(() => {
      setSeed(seed);
      return Array.from(build().sample([5]).dataSync());
    });
  const a = draw(11);
  expect(draw(11)).toEqual(a);
  expect(draw(12)).not.toEqual(a);
  expect(a.every((v) => Number.isFinite(v))).toBe(true);
  // Warm up once (tfjs caches some kernels' constants on first use), then count.
  const work = () => {
    const d = build();
    const x = d.sample([3]);
    d.logProb(x);
    d.mean;
    d.variance;
    d.entropy();
    if (d.hasRsample) d.rsample([2]);
    if (gradParam) tf.grad((t) => tf.sum(gradParam(t).rsample([3])))(tf.scalar(2));
  };
  tf.tidy(work);
  expectNoLeak(work);
}
