/**
 * Constraints: the supports of distributions and the domains of parameters.
 * A constraint's `check(value)` returns a boolean tensor of `value`'s shape less the
 * constraint's `eventDim` rightmost dimensions.
 *
 * Exported as the `constraints` namespace: `constraints.positive`, `constraints.interval(0, 1)`, ...
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** A region of tensor space, such as the positive reals or the simplex. */
export abstract class Constraint {
  /** A short name used in error messages, e.g. `positive` or `interval(0, 1)`. */
  abstract readonly name: string;
  /** How many rightmost dimensions form one event of the constraint (1 for `simplex`). */
  readonly eventDim: number = 0;
  /** Whether the region is discrete (integers, booleans). */
  readonly isDiscrete: boolean = false;
  /** Elementwise (per event) membership test, as a `bool` tensor. */
  abstract check(value: tf.Tensor): tf.Tensor;
  /** The name. */
  toString(): string {
    return this.name;
  }
}

function finite(x: tf.Tensor): tf.Tensor {
  return tf.logicalNot(tf.logicalOr(tf.isNaN(x), tf.isInf(x)));
}

function isInteger(x: tf.Tensor): tf.Tensor {
  return tf.equal(tf.floor(x), x);
}

class Real extends Constraint {
  readonly name = "real";
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalNot(tf.isNaN(value));
  }
}

/** `value > lowerBound`. */
export class GreaterThan extends Constraint {
  readonly name: string;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
  ) {
    super();
    this.name = lowerBound === 0 ? "positive" : `greaterThan(${lowerBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.greater(value, this.lowerBound);
  }
}

/** `value >= lowerBound`. */
export class GreaterThanEq extends Constraint {
  readonly name: string;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
  ) {
    super();
    this.name = lowerBound === 0 ? "nonnegative" : `greaterThanEq(${lowerBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.greaterEqual(value, this.lowerBound);
  }
}

/** `value < upperBound`. */
export class LessThan extends Constraint {
  readonly name: string;
  constructor(
    /** The upper bound. */
    readonly upperBound: number,
  ) {
    super();
    this.name = `lessThan(${upperBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.less(value, this.upperBound);
  }
}

/** `lowerBound <= value <= upperBound` (closed, as torch's `interval`). */
export class Interval extends Constraint {
  readonly name: string;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
    /** The upper bound. */
    readonly upperBound: number,
  ) {
    super();
    this.name = lowerBound === 0 && upperBound === 1 ? "unitInterval" : `interval(${lowerBound}, ${upperBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(tf.greaterEqual(value, this.lowerBound), tf.lessEqual(value, this.upperBound));
  }
}

/** `lowerBound <= value < upperBound`. */
export class HalfOpenInterval extends Constraint {
  readonly name: string;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
    /** The upper bound. */
    readonly upperBound: number,
  ) {
    super();
    this.name = `halfOpenInterval(${lowerBound}, ${upperBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(tf.greaterEqual(value, this.lowerBound), tf.less(value, this.upperBound));
  }
}

/** Integers in `[lowerBound, upperBound]`. */
export class IntegerInterval extends Constraint {
  readonly name: string;
  override readonly isDiscrete = true;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
    /** The upper bound. */
    readonly upperBound: number,
  ) {
    super();
    this.name = lowerBound === 0 && upperBound === 1 ? "boolean" : `integerInterval(${lowerBound}, ${upperBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(
      isInteger(value),
      tf.logicalAnd(tf.greaterEqual(value, this.lowerBound), tf.lessEqual(value, this.upperBound)),
    );
  }
}

/** Integers `>= lowerBound`. */
export class IntegerGreaterThanEq extends Constraint {
  readonly name: string;
  override readonly isDiscrete = true;
  constructor(
    /** The lower bound. */
    readonly lowerBound: number,
  ) {
    super();
    this.name =
      lowerBound === 0 ? "nonnegativeInteger" : lowerBound === 1 ? "positiveInteger" : `integerGreaterThanEq(${lowerBound})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(isInteger(value), tf.greaterEqual(value, this.lowerBound));
  }
}

class IntegerConstraint extends Constraint {
  readonly name = "integer";
  override readonly isDiscrete = true;
  check(value: tf.Tensor): tf.Tensor {
    return tf.logicalAnd(isInteger(value), finite(value));
  }
}

/** The probability simplex over the last dimension (nonnegative, sums to 1 within 1e-5 × size). */
class Simplex extends Constraint {
  readonly name = "simplex";
  override readonly eventDim = 1;
  check(value: tf.Tensor): tf.Tensor {
    const k = value.shape[value.rank - 1] ?? 1;
    const nonneg = tf.all(tf.greaterEqual(value, 0), -1);
    const sumsToOne = tf.lessEqual(tf.abs(tf.sub(tf.sum(value, -1), 1)), 1e-5 * Math.max(k, 10));
    return tf.logicalAnd(nonneg, sumsToOne);
  }
}

/** Lower-triangular square matrices with positive diagonal (a Cholesky factor). */
class LowerCholesky extends Constraint {
  readonly name = "lowerCholesky";
  override readonly eventDim = 2;
  check(value: tf.Tensor): tf.Tensor {
    const n = value.shape[value.rank - 1]!;
    const upper = tf.sub(tf.onesLike(value), tf.linalg.bandPart(tf.onesLike(value), -1, 0));
    const upperZero = tf.all(tf.equal(tf.mul(value, upper), 0), [-2, -1]);
    const diag = tf.mul(value, tf.eye(n));
    const diagPositive = tf.all(tf.greater(tf.sum(diag, -1), 0), -1);
    return tf.logicalAnd(upperZero, diagPositive);
  }
}

/** Vectors (last dim) sorted or not; any real vector: `independent(real, 1)`. */
export class IndependentConstraint extends Constraint {
  readonly name: string;
  override readonly eventDim: number;
  override readonly isDiscrete: boolean;
  constructor(
    /** The constraint of each element. */
    readonly base: Constraint,
    /** How many rightmost dims form one event (checked together). */
    readonly reinterpretedBatchNdims: number,
  ) {
    super();
    this.eventDim = base.eventDim + reinterpretedBatchNdims;
    this.isDiscrete = base.isDiscrete;
    this.name = `independent(${base.name}, ${reinterpretedBatchNdims})`;
  }
  check(value: tf.Tensor): tf.Tensor {
    const inner = this.base.check(value);
    if (this.reinterpretedBatchNdims === 0) return inner;
    const axes = Array.from({ length: this.reinterpretedBatchNdims }, (_, i) => inner.rank - 1 - i);
    return tf.all(inner, axes);
  }
}

/** All real numbers (not NaN). */
export const real: Constraint = new Real();
/** Real vectors (event dim 1). */
export const realVector: Constraint = new IndependentConstraint(real, 1);
/** `x > 0`. */
export const positive: Constraint = new GreaterThan(0);
/** `x >= 0`. */
export const nonnegative: Constraint = new GreaterThanEq(0);
/** `0 <= x <= 1`. */
export const unitInterval: Constraint = new Interval(0, 1);
/** The probability simplex over the last dimension. */
export const simplex: Constraint = new Simplex();
/** Lower-triangular matrices with positive diagonal. */
export const lowerCholesky: Constraint = new LowerCholesky();
/** Integers. */
export const integer: Constraint = new IntegerConstraint();
/** `0, 1, 2, ...`. */
export const nonnegativeInteger: Constraint = new IntegerGreaterThanEq(0);
/** `1, 2, 3, ...`. */
export const positiveInteger: Constraint = new IntegerGreaterThanEq(1);
/** `0` or `1`. */
export const boolean: Constraint = new IntegerInterval(0, 1);

/** `lower <= x <= upper`. */
export function interval(lower: number, upper: number): Constraint {
  return new Interval(lower, upper);
}
/** `lower <= x < upper`. */
export function halfOpenInterval(lower: number, upper: number): Constraint {
  return new HalfOpenInterval(lower, upper);
}
/** `x > lower`. */
export function greaterThan(lower: number): Constraint {
  return new GreaterThan(lower);
}
/** `x >= lower`. */
export function greaterThanEq(lower: number): Constraint {
  return new GreaterThanEq(lower);
}
/** `x < upper`. */
export function lessThan(upper: number): Constraint {
  return new LessThan(upper);
}
/** Integers in `[lower, upper]`. */
export function integerInterval(lower: number, upper: number): Constraint {
  return new IntegerInterval(lower, upper);
}
/** Integers `>= lower`. */
export function integerGreaterThanEq(lower: number): Constraint {
  return new IntegerGreaterThanEq(lower);
}
/** Reinterprets `n` rightmost batch dims of `base` as event dims. */
export function independent(base: Constraint, n: number): Constraint {
  return new IndependentConstraint(base, n);
}
