/**
 * The transforms under test, each with how to draw a point of its domain and which output
 * coordinates form a bijection with the input (for the autodiff Jacobian).
 */
import * as tf from "@tensorflow/tfjs";
import { constraints } from "../../../src/distributions/index.js";
import {
  AffineTransform,
  bijectTo,
  ComposeTransform,
  ExpTransform,
  IndependentTransform,
  LowerCholeskyTransform,
  SigmoidTransform,
  SoftplusTransform,
  StickBreakingTransform,
  type Transform,
} from "../../../src/distributions/transforms/index.js";

/** A transform with the shape of one input event and the output coordinates to differentiate. */
export interface TransformCase {
  name: string;
  make: () => Transform;
  /** Input length (inputs are flat vectors; event-dim-0 transforms act elementwise). */
  size: number;
  /** Largest |x| for round trips and Jacobians (float32 keeps accuracy there). */
  range: number;
  /** Largest |x| at which values and gradients must stay finite. */
  extreme: number;
  /** Reshapes a flat input to the transform's input shape. */
  inputShape?: number[];
  /** Flat output coordinates that form a bijection with the input (default: all). */
  outIndex?: number[];
}

/** Flat indices of the lower triangle of an n × n matrix, row-major. */
function lowerIndex(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) out.push(i * n + j);
  return out;
}

export const transformCases: TransformCase[] = [
  { name: "ExpTransform", make: () => new ExpTransform(), size: 4, range: 5, extreme: 80 },
  { name: "SoftplusTransform", make: () => new SoftplusTransform(), size: 4, range: 8, extreme: 80 },
  { name: "SigmoidTransform", make: () => new SigmoidTransform(), size: 4, range: 6, extreme: 200 },
  { name: "AffineTransform(0.5, -3)", make: () => new AffineTransform(0.5, -3), size: 3, range: 10, extreme: 1e4 },
  {
    name: "AffineTransform(tensor loc/scale, eventDim 1)",
    make: () => new AffineTransform(tf.tensor1d([1, -2, 0]), tf.tensor1d([2, 0.5, -1.5]), 1),
    size: 3,
    range: 10,
    extreme: 1e4,
  },
  { name: "StickBreakingTransform (k=2)", make: () => new StickBreakingTransform(), size: 1, range: 6, extreme: 200, outIndex: [0] },
  { name: "StickBreakingTransform (k=5)", make: () => new StickBreakingTransform(), size: 4, range: 4, extreme: 200, outIndex: [0, 1, 2, 3] },
  { name: "LowerCholeskyTransform (n=1)", make: () => new LowerCholeskyTransform(), size: 1, range: 4, extreme: 30, outIndex: lowerIndex(1) },
  { name: "LowerCholeskyTransform (n=3)", make: () => new LowerCholeskyTransform(), size: 6, range: 3, extreme: 30, outIndex: lowerIndex(3) },
  {
    name: "ComposeTransform([exp, affine(1, 2)])",
    make: () => new ComposeTransform([new ExpTransform(), new AffineTransform(1, 2)]),
    size: 3,
    range: 5,
    extreme: 80,
  },
  {
    name: "ComposeTransform([affine(0, 2, eventDim 1), stick-breaking])",
    make: () => new ComposeTransform([new AffineTransform(0, 2, 1), new StickBreakingTransform()]),
    size: 3,
    range: 2,
    extreme: 100,
    outIndex: [0, 1, 2],
  },
  { name: "IndependentTransform(exp, 1)", make: () => new IndependentTransform(new ExpTransform(), 1), size: 3, range: 5, extreme: 80 },
  {
    name: "IndependentTransform(sigmoid, 2)",
    make: () => new IndependentTransform(new SigmoidTransform(), 2),
    size: 4,
    inputShape: [2, 2],
    range: 6,
    extreme: 200,
  },
];

/** Every constraint with a bijection, as `bijectTo` cases. */
export const bijectCases: TransformCase[] = [
  { c: constraints.real, size: 3, range: 10, extreme: 1e4 },
  { c: constraints.realVector, size: 3, range: 10, extreme: 1e4 },
  { c: constraints.positive, size: 3, range: 5, extreme: 80 },
  { c: constraints.nonnegative, size: 3, range: 5, extreme: 80 },
  { c: constraints.greaterThan(-2.5), size: 3, range: 5, extreme: 80 },
  { c: constraints.greaterThanEq(3), size: 3, range: 5, extreme: 80 },
  { c: constraints.lessThan(1.5), size: 3, range: 5, extreme: 80 },
  { c: constraints.unitInterval, size: 3, range: 6, extreme: 200 },
  { c: constraints.interval(-2, 3), size: 3, range: 6, extreme: 200 },
  { c: constraints.halfOpenInterval(1, 4), size: 3, range: 6, extreme: 200 },
  { c: constraints.simplex, size: 3, range: 4, extreme: 200, outIndex: [0, 1, 2] },
  { c: constraints.lowerCholesky, size: 3, range: 3, extreme: 30, outIndex: lowerIndex(2) },
  { c: constraints.independent(constraints.positive, 1), size: 3, range: 5, extreme: 80 },
  { c: constraints.independent(constraints.interval(0, 2), 2), size: 4, inputShape: [2, 2], range: 6, extreme: 200 },
  { c: constraints.independent(constraints.simplex, 1), size: 4, inputShape: [2, 2], range: 4, extreme: 200, outIndex: [0, 1, 3, 4] },
].map(({ c, ...rest }) => ({ name: `bijectTo(${c.name})`, make: () => bijectTo(c), ...rest }));
