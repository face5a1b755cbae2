/**
 * Shared checks for the discrete and count families' tests: fixture loading and comparison
 * (references from scripts/fixtures/gen_discrete.py), shape laws as fast-check properties,
 * sample moments, enumerated supports, seeded reproducibility and tensor-leak checks.
 */
import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { expect } from "vitest";
import { setSeed } from "../../src/backend/random.js";
import type { Distribution } from "../../src/distributions/distribution.js";
import { decode, expectClose, expectNoLeak, tensorOf, type Encoded } from "./continuous-helpers.js";

export { decode, expectClose, expectNoLeak, tensorOf, type Encoded };

/** One reference case of a family. */
export interface DiscreteCase {
  note: string;
  params: Record<string, Encoded>;
  value: Encoded;
  logProb: Encoded;
  logProbScale: Encoded;
  mean?: Encoded;
  variance?: Encoded;
  entropy?: Encoded;
}

/** One point of the negative-binomial / ZINB extreme grids (mpmath references). */
export interface GridPoint {
  x: number;
  mu: number;
  theta: number;
  pi?: number;
  logProb: number;
  logProbScale: number;
  dMu: number;
  dMuScale: number;
  dTheta: number;
  dThetaScale: number;
  dPi?: number;
}

const fixtures = JSON.parse(readFileSync(new URL("../fixtures/discrete.json", import.meta.url), "utf8")) as Record<string, unknown>;

/** The reference cases of one family (`bernoulli`, `poisson`, ...). */
export function discreteCases(family: string): DiscreteCase[] {
  const cases = fixtures[family] as DiscreteCase[] | undefined;
  if (!cases || cases.length === 0) throw new Error(`no fixtures for ${family}`);
  return cases;
}

/** The points of `negativeBinomialGrid` or `zeroInflatedNegativeBinomialGrid`. */
export function gridPoints(name: "negativeBinomialGrid" | "zeroInflatedNegativeBinomialGrid"): GridPoint[] {
  return fixtures[name] as GridPoint[];
}

/**
 * Compares `logProb` (absolute tolerance `atol` per unit of the fixture's term scale, plus
 * `rtol` relative) and, where the fixture has them, `mean`, `variance` and `entropy`.
 */
export function checkDiscreteFixtures(
  family: string,
  build: (params: Record<string, tf.Tensor>, c: DiscreteCase) => Distribution,
  { rtol = 1e-5, atol = 1e-6 }: { rtol?: number; atol?: number } = {},
): void {
  for (const c of discreteCases(family)) {
    tf.tidy(() => {
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, tensorOf(v)]));
      const d = build(params, c);
      const label = `${family} ${c.note}`;
      expectClose(d.logProb(tensorOf(c.value)), c.logProb, `${label}: logProb`, { rtol, atol, scale: c.logProbScale });
      if (c.mean !== undefined) expectClose(d.mean, c.mean, `${label}: mean`, { rtol, atol: 1e-7 });
      if (c.variance !== undefined) expectClose(d.variance, c.variance, `${label}: variance`, { rtol: 2 * rtol, atol: 1e-7 });
      if (c.entropy !== undefined) expectClose(d.entropy(), c.entropy, `${label}: entropy`, { rtol, atol });
    });
  }
}

const dimArb = fc.integer({ min: 1, max: 3 });
/** Shapes of rank 0..2 with dimensions 1..3. */
export const smallShape = fc.array(dimArb, { minLength: 0, maxLength: 2 });

/**
 * Shape laws as fast-check properties for any batch shape built by `build(batchShape)`:
 * `sample(s)` has shape `s + batchShape + eventShape` and lies in the support, `logProb` of a
 * draw has shape `s + batchShape` and is finite, `mean`/`variance` have `batchShape + eventShape`
 * (and `entropy` `batchShape` when `hasEntropy`); `expand` only broadcasts (same class, new
 * batch shape, `logProb` equal to the broadcast original's).
 */
export function checkDiscreteShapeLaws(
  build: (batchShape: number[]) => Distribution,
  { eventShape = [], hasEntropy = false }: { eventShape?: number[]; hasEntropy?: boolean } = {},
): void {
  fc.assert(
    fc.property(smallShape, smallShape, (batchShape, sampleShape) => {
      tf.tidy(() => {
        const d = build(batchShape);
        expect(d.batchShape).toEqual(batchShape);
        expect(d.eventShape).toEqual(eventShape);
        const x = d.sample(sampleShape);
        expect(x.shape).toEqual([...sampleShape, ...batchShape, ...eventShape]);
        expect(x.dtype).toBe("float32");
        expect(tf.all(d.support.check(x)).dataSync()[0]).toBe(1);
        const lp = d.logProb(x);
        expect(lp.shape).toEqual([...sampleShape, ...batchShape]);
        expect(tf.all(tf.isFinite(lp)).dataSync()[0]).toBe(1);
        expect(d.mean.shape).toEqual([...batchShape, ...eventShape]);
        expect(d.variance.shape).toEqual([...batchShape, ...eventShape]);
        if (hasEntropy) expect(d.entropy().shape).toEqual(batchShape);
      });
    }),
    { seed: 42, numRuns: 20 },
  );
  fc.assert(
    fc.property(smallShape, smallShape, (batchShape, lead) => {
      tf.tidy(() => {
        const small = batchShape.length > 0 ? [1, ...batchShape.slice(1)] : [];
        const d = build(small);
        const target = [...lead, ...batchShape];
        const e = d.expand(target);
        expect(e.constructor).toBe(d.constructor);
        expect(e.batchShape).toEqual(target);
        expect(e.eventShape).toEqual(eventShape);
        const x = e.sample();
        expect(x.shape).toEqual([...target, ...eventShape]);
        const lp = e.logProb(x);
        expect(lp.shape).toEqual(target);
        expect(Array.from(lp.dataSync())).toEqual(Array.from(d.logProb(x).dataSync()));
        expect(Array.from(e.mean.dataSync())).toEqual(Array.from(tf.broadcastTo(d.mean, [...target, ...eventShape]).dataSync()));
      });
    }),
    { seed: 42, numRuns: 20 },
  );
  expect(() => tf.tidy(() => void build([2, 3]).expand([3, 3]))).toThrow(/expand/);
}

/**
 * `enumerateSupport` shapes (`[n] + batchShape + eventShape` expanded, `[n] + [1, ...] +
 * eventShape` not), that every enumerated value is in the support, and that the probabilities
 * over it sum to one for every batch element.
 */
export function checkEnumerateSupport(d: Distribution, n: number): void {
  tf.tidy(() => {
    expect(d.hasEnumerateSupport).toBe(true);
    const all = d.enumerateSupport();
    expect(all.shape).toEqual([n, ...d.batchShape, ...d.eventShape]);
    const compact = d.enumerateSupport(false);
    expect(compact.shape).toEqual([n, ...d.batchShape.map(() => 1), ...d.eventShape]);
    expect(tf.all(d.support.check(all)).dataSync()[0]).toBe(1);
    const total = tf.sum(tf.exp(d.logProb(all)), 0);
    expect(total.shape).toEqual(d.batchShape);
    expectClose(total, tf.onesLike(total).arraySync() as Encoded, "Σ p over the support", { rtol: 1e-5, atol: 1e-6 });
    // The unexpanded support broadcasts against the batch in logProb.
    expect(d.logProb(compact).shape).toEqual([n, ...d.batchShape]);
  });
}

/**
 * Sample mean and variance of `n` seeded draws against the closed forms, within `z` standard
 * errors (the standard error of the variance estimated from the draws).
 */
export function expectCountMoments(d: Distribution, n: number, seed: number, z = 4.5): void {
  tf.tidy(() => {
    setSeed(seed);
    const x = d.sample([n]);
    expect(x.shape).toEqual(d.shape([n]));
    const { mean: m, variance: v } = tf.moments(x, 0);
    const sq = tf.square(tf.sub(x, m));
    const seMean = tf.sqrt(tf.div(v, n - 1));
    const seVar = tf.sqrt(tf.div(tf.moments(sq, 0).variance, n - 1));
    const [sm, sv, sem, sev] = [m, v, seMean, seVar].map((t) => Array.from(t.dataSync()));
    const mean = Array.from(d.mean.dataSync());
    const variance = Array.from(d.variance.dataSync());
    for (let i = 0; i < mean.length; i++) {
      expect(Math.abs(sm[i]! - mean[i]!), `mean[${i}]: sample ${sm[i]} vs ${mean[i]} (se ${sem[i]})`).toBeLessThanOrEqual(
        z * sem[i]! + 1e-6 * Math.abs(mean[i]!) + 1e-7,
      );
      expect(Math.abs(sv[i]! - variance[i]!), `variance[${i}]: sample ${sv[i]} vs ${variance[i]} (se ${sev[i]})`).toBeLessThanOrEqual(
        z * sev[i]! + 1e-5 * Math.abs(variance[i]!) + 1e-7,
      );
    }
  });
}

/**
 * Same seed, same draws; another seed, other draws; and no leaked tensors from sampling,
 * scoring, moments, entropy (when `hasEntropy`) and a gradient of `logProb` in a parameter
 * (when `gradParam` builds the distribution from it).
 */
export function checkDiscreteSeedingAndLeaks(
  build: () => Distribution,
  { hasEntropy = false, gradParam }: { hasEntropy?: boolean; gradParam?: { value: number; build: (t: tf.Tensor) => Distribution } } = {},
): void {
  const draw = (seed: number) =>
    tf.tidy(() => {
      setSeed(seed);
      return Array.from(build().sample([20]).dataSync());
    });
  const a = draw(11);
  expect(draw(11)).toEqual(a);
  expect(draw(12)).not.toEqual(a);
  const work = () => {
    const d = build();
    const x = d.sample([3]);
    d.logProb(x);
    void d.mean;
    void d.variance;
    if (hasEntropy) d.entropy();
    if (gradParam) {
      const x1 = gradParam.build(tf.scalar(gradParam.value)).sample([4]);
      tf.grad((t) => tf.sum(gradParam.build(t).logProb(x1)))(tf.scalar(gradParam.value));
    }
  };
  tf.tidy(work);
  expectNoLeak(work);
}
