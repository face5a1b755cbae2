/**
 * fast-check arbitraries of conjugate cases with closed-form evidence and posterior. Every
 * case carries its own `seed`, so a failing property reproduces from fast-check's printed seed.
 * @module
 */
import fc from "fast-check";
import { betaBernoulliCase } from "./conjugate/beta-bernoulli.js";
import type { ConjugateCase, ConjugateFamily } from "./conjugate/case.js";
import { gammaPoissonCase } from "./conjugate/gamma-poisson.js";
import { localNormalCase, type LocalLatentCase } from "./conjugate/local-normal.js";
import { normalNormalCase } from "./conjugate/normal-normal.js";

/** Size limits of generated cases. */
export interface CaseSizeOptions {
  /** Fewest data points (default 1). */
  minData?: number;
  /** Most data points (default 12). */
  maxData?: number;
}

const seedArb = fc.integer({ min: 0, max: 0x7fffffff });
const real = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

function lengths(options: CaseSizeOptions): { minLength: number; maxLength: number } {
  const minLength = options.minData ?? 1;
  const maxLength = options.maxData ?? 12;
  if (!(Number.isInteger(minLength) && Number.isInteger(maxLength) && minLength >= 1 && maxLength >= minLength)) {
    throw new Error(`case sizes: need integers 1 <= minData <= maxData, got ${minLength}, ${maxLength}`);
  }
  return { minLength, maxLength };
}

/**
 * Normal–Normal cases: data in [−5, 5], prior loc in [−3, 3], prior scale in [0.5, 3], noise
 * scale in [0.5, 2], guide loc within ±2 posterior sds, guide scale within a factor e^±0.7.
 */
export function arbNormalNormal(options: CaseSizeOptions = {}): fc.Arbitrary<ConjugateCase> {
  return fc
    .record({
      seed: seedArb,
      data: fc.array(real(-5, 5), lengths(options)),
      priorLoc: real(-3, 3),
      priorScale: real(0.5, 3),
      noiseScale: real(0.5, 2),
      locShift: real(-2, 2),
      logScaleShift: real(-0.7, 0.7),
    })
    .map(normalNormalCase);
}

/**
 * Gamma–Poisson cases: counts in 0..10, prior concentration in [1, 5], prior rate in [0.5, 3],
 * guide concentration and rate within factors e^±0.5 of the posterior's.
 */
export function arbGammaPoisson(options: CaseSizeOptions = {}): fc.Arbitrary<ConjugateCase> {
  return fc
    .record({
      seed: seedArb,
      data: fc.array(fc.integer({ min: 0, max: 10 }), lengths(options)),
      priorConcentration: real(1, 5),
      priorRate: real(0.5, 3),
      logConcentrationShift: real(-0.5, 0.5),
      logRateShift: real(-0.5, 0.5),
    })
    .map(gammaPoissonCase);
}

/**
 * Beta–Bernoulli cases: outcomes 0/1, prior concentrations in [1, 5] (so draws stay away from
 * 0 and 1, where float32 log-densities lose precision), guide concentrations
 * within factors e^±0.5 of the posterior's.
 */
export function arbBetaBernoulli(options: CaseSizeOptions = {}): fc.Arbitrary<ConjugateCase> {
  return fc
    .record({
      seed: seedArb,
      data: fc.array(fc.integer({ min: 0, max: 1 }), lengths(options)),
      priorConcentration1: real(1, 5),
      priorConcentration0: real(1, 5),
      logShift1: real(-0.5, 0.5),
      logShift0: real(-0.5, 0.5),
    })
    .map(betaBernoulliCase);
}

/** Any of the conjugate families (optionally only some). */
export function arbConjugateCase(
  options: CaseSizeOptions & { families?: readonly ConjugateFamily[] } = {},
): fc.Arbitrary<ConjugateCase> {
  const all: Record<ConjugateFamily, () => fc.Arbitrary<ConjugateCase>> = {
    "normal-normal": () => arbNormalNormal(options),
    "gamma-poisson": () => arbGammaPoisson(options),
    "beta-bernoulli": () => arbBetaBernoulli(options),
  };
  const families = options.families ?? (Object.keys(all) as ConjugateFamily[]);
  if (families.length === 0) throw new Error("arbConjugateCase: families is empty");
  return fc.oneof(...families.map((f) => all[f]()));
}

/** Local-latent cases (one latent per data point): sizes 2..`maxData` (default 12). */
export function arbLocalNormal(options: CaseSizeOptions = {}): fc.Arbitrary<LocalLatentCase> {
  const { maxLength } = lengths(options);
  return fc
    .record({
      seed: seedArb,
      data: fc.array(real(-5, 5), { minLength: Math.max(2, options.minData ?? 2), maxLength: Math.max(2, maxLength) }),
      priorLoc: real(-3, 3),
      priorScale: real(0.5, 3),
      noiseScale: real(0.5, 2),
      locShifts: fc.array(real(-2, 2), { minLength: 1, maxLength: 4 }),
      logScaleShifts: fc.array(real(-0.7, 0.7), { minLength: 1, maxLength: 4 }),
    })
    .map(localNormalCase);
}
