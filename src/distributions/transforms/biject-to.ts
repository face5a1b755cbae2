/**
 * `bijectTo(constraint)`: the registry of bijections from unconstrained space onto each
 * constraint (torch.distributions' `biject_to`). The parameter store keeps unconstrained
 * `tf.Variable`s and maps them through these; autoguides use them to move sample sites to
 * unconstrained space.
 * @module
 */
import * as constraints from "../constraints.js";
import type { Constraint } from "../constraints.js";
import { AffineTransform } from "./affine.js";
import { ComposeTransform, identityTransform } from "./compose.js";
import { ExpTransform } from "./exp.js";
import { IndependentTransform } from "./independent.js";
import { LowerCholeskyTransform } from "./lower-cholesky.js";
import { SigmoidTransform } from "./sigmoid.js";
import { StickBreakingTransform } from "./stick-breaking.js";
import type { Transform } from "./transform.js";

/** Builds the bijection for a constraint of a registered kind. */
export type BijectionFactory<C extends Constraint = Constraint> = (constraint: C) => Transform;

/** A constraint class (looked up along the prototype chain) or one constraint instance. */
type Key = Constraint | (abstract new (...args: never[]) => Constraint);

const byInstance = new Map<Constraint, BijectionFactory>();
const byClass = new Map<abstract new (...args: never[]) => Constraint, BijectionFactory>();

/**
 * Registers the bijection for a constraint class (every instance of it and of its subclasses)
 * or for one constraint instance. Instance registrations win over class registrations, and a
 * subclass' registration over its parent's. Registering again replaces the factory.
 *
 * @example
 * ```ts
 * registerBijectTo(MyConstraint, (c) => new ExpTransform());
 * ```
 */
export function registerBijectTo<C extends Constraint>(
  key: C | (abstract new (...args: never[]) => C),
  factory: BijectionFactory<C>,
): void {
  if (typeof key === "function") byClass.set(key, factory as BijectionFactory);
  else byInstance.set(key, factory as BijectionFactory);
}

/**
 * The bijection from unconstrained space onto `constraint`:
 *
 * | constraint | transform |
 * |---|---|
 * | `real`, `independent(real, n)` | identity |
 * | `positive` | `exp` |
 * | `greaterThan(c)`, `greaterThanEq(c)` | `exp`, then `+ c` |
 * | `lessThan(c)` | `exp`, then `c - ·` |
 * | `unitInterval` | `sigmoid` |
 * | `interval(a, b)`, `halfOpenInterval(a, b)` | `sigmoid`, then `a + (b - a) ·` |
 * | `simplex` | stick-breaking (R^{k-1} → k-simplex) |
 * | `lowerCholesky` | packed vector of length n(n+1)/2 → lower-triangular, `exp` on the diagonal |
 * | `independent(c, n)` | `bijectTo(c)` with `n` more event dimensions |
 *
 * Throws, naming the constraint, for constraints without a bijection (discrete ones, say).
 *
 * @example
 * ```ts
 * const t = bijectTo(constraints.interval(0, 10));
 * const y = t.forward(tf.randomNormal([3]));   // in (0, 10)
 * ```
 */
export function bijectTo(constraint: Constraint): Transform {
  const factory = lookup(constraint);
  if (!factory) {
    const known = [...byClass.keys()].map((k) => k.name).join(", ");
    throw new Error(
      `bijectTo: no bijection is registered for the constraint '${constraint.name}' (registered kinds: ${known}); use registerBijectTo to add one`,
    );
  }
  return factory(constraint);
}

function lookup(constraint: Constraint): BijectionFactory | undefined {
  const own = byInstance.get(constraint);
  if (own) return own;
  for (let proto = Object.getPrototypeOf(constraint) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const factory = byClass.get((proto as { constructor: Key }).constructor as abstract new (...args: never[]) => Constraint);
    if (factory) return factory;
  }
  return undefined;
}

type ConstraintClass<C extends Constraint> = abstract new (...args: never[]) => C;

function classOf<C extends Constraint>(c: C): ConstraintClass<C> {
  return c.constructor as ConstraintClass<C>;
}

registerBijectTo(classOf(constraints.real), () => identityTransform);
registerBijectTo(constraints.GreaterThan, (c) =>
  c.lowerBound === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1)]),
);
registerBijectTo(constraints.GreaterThanEq, (c) =>
  c.lowerBound === 0 ? new ExpTransform() : new ComposeTransform([new ExpTransform(), new AffineTransform(c.lowerBound, 1)]),
);
registerBijectTo(constraints.LessThan, (c) => new ComposeTransform([new ExpTransform(), new AffineTransform(c.upperBound, -1)]));
const intervalBijection = (c: { lowerBound: number; upperBound: number }): Transform =>
  c.lowerBound === 0 && c.upperBound === 1
    ? new SigmoidTransform()
    : new ComposeTransform([new SigmoidTransform(), new AffineTransform(c.lowerBound, c.upperBound - c.lowerBound)]);
registerBijectTo(constraints.Interval, intervalBijection);
registerBijectTo(constraints.HalfOpenInterval, intervalBijection);
registerBijectTo(classOf(constraints.simplex), () => new StickBreakingTransform());
registerBijectTo(classOf(constraints.lowerCholesky), () => new LowerCholeskyTransform());
registerBijectTo(constraints.IndependentConstraint, (c) => {
  const base = bijectTo(c.base);
  return c.reinterpretedBatchNdims === 0 ? base : new IndependentTransform(base, c.reinterpretedBatchNdims);
});
