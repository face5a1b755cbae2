/**
 * Transforms and bijectTo against torch.distributions' values (scripts/fixtures/gen_structural.py),
 * plus the registry's behaviour.
 */
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { constraints } from "../../../src/distributions/index.js";
import {
  AffineTransform,
  bijectTo,
  ComposeTransform,
  ExpTransform,
  IndependentTransform,
  LowerCholeskyTransform,
  registerBijectTo,
  SigmoidTransform,
  SoftplusTransform,
  StickBreakingTransform,
  type Transform,
} from "../../../src/distributions/transforms/index.js";
import { expectClose, fixture, t } from "../structural-helpers.js";

const ours: Record<string, () => Transform> = {
  exp: () => new ExpTransform(),
  softplus: () => new SoftplusTransform(),
  sigmoid: () => new SigmoidTransform(),
  affine: () => new AffineTransform(1.5, -2.5),
  stickBreaking: () => new StickBreakingTransform(),
  "greaterThan(2)": () => bijectTo(constraints.greaterThan(2)),
  "lessThan(-1)": () => bijectTo(constraints.lessThan(-1)),
  "interval(-2, 3)": () => bijectTo(constraints.interval(-2, 3)),
  unitInterval: () => bijectTo(constraints.unitInterval),
  positive: () => bijectTo(constraints.positive),
  simplex: () => bijectTo(constraints.simplex),
  "independent(positive, 1)": () => bijectTo(constraints.independent(constraints.positive, 1)),
};

describe("transforms match torch.distributions", () => {
  for (const c of fixture.transforms) {
    it(c.name, () => {
      const make = ours[c.name];
      if (!make) throw new Error(`no scvi-ts transform mapped to the fixture case ${c.name}`);
      const tr = make();
      tf.tidy(() => {
        const x = t(c.x);
        const y = tr.forward(x);
        expectClose(y, c.y, 2e-4, 1e-6);
        expectClose(tr.inverse(t(c.y)), c.inverse, 1e-3, 1e-3);
        expectClose(tr.logAbsDetJacobian(x, y), c.logAbsDetJacobian, 2e-4, 2e-4);
      });
    });
  }
});

describe("bijectTo", () => {
  it("picks the transforms of torch's biject_to", () => {
    expect(bijectTo(constraints.positive)).toBeInstanceOf(ExpTransform);
    expect(bijectTo(constraints.unitInterval)).toBeInstanceOf(SigmoidTransform);
    expect(bijectTo(constraints.simplex)).toBeInstanceOf(StickBreakingTransform);
    expect(bijectTo(constraints.lowerCholesky)).toBeInstanceOf(LowerCholeskyTransform);
    const gt = bijectTo(constraints.greaterThan(3));
    expect(gt).toBeInstanceOf(ComposeTransform);
    expect((gt as ComposeTransform).parts.map((p) => p.name)).toEqual(["ExpTransform", "AffineTransform"]);
    const ind = bijectTo(constraints.independent(constraints.unitInterval, 2));
    expect(ind).toBeInstanceOf(IndependentTransform);
    expect(ind.domain.eventDim).toBe(2);
    expect(ind.codomain.name).toBe("independent(unitInterval, 2)");
    tf.tidy(() => {
      const real = bijectTo(constraints.real);
      expectClose(real.forward(tf.tensor1d([-3, 4])), [-3, 4]);
      expectClose(real.logAbsDetJacobian(tf.tensor1d([-3, 4]), tf.tensor1d([-3, 4])), [0, 0]);
    });
  });

  it("maps the lower-Cholesky constraint from packed vectors of length n(n+1)/2", () => {
    tf.tidy(() => {
      const tr = bijectTo(constraints.lowerCholesky);
      const l = tr.forward(tf.tensor1d([0, 2, Math.log(3)]));
      expectClose(l, [
        [1, 0],
        [2, 3],
      ]);
      expectClose(tr.inverse(l), [0, 2, Math.log(3)], 1e-5, 1e-6);
      expect(tr.inverseShape([5, 4, 4])).toEqual([5, 10]);
      expect(() => tr.forward(tf.zeros([4]))).toThrow(/n\(n\+1\)\/2/);
    });
  });

  it("holds no tensors: building transforms allocates nothing, and one built in a tidy works after it", () => {
    const before = tf.memory().numTensors;
    for (const c of [constraints.interval(-1, 4), constraints.greaterThan(2), constraints.lessThan(0), constraints.simplex]) bijectTo(c);
    expect(tf.memory().numTensors).toBe(before);
    let kept: Transform | undefined;
    tf.tidy(() => {
      kept = bijectTo(constraints.interval(-1, 4));
      kept.forward(tf.zeros([2]));
    });
    tf.tidy(() => expectClose(kept!.forward(tf.zeros([2])), [1.5, 1.5]));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("throws for constraints without a bijection, naming the constraint", () => {
    expect(() => bijectTo(constraints.nonnegativeInteger)).toThrow(/'nonnegativeInteger'/);
    expect(() => bijectTo(constraints.boolean)).toThrow(/no bijection is registered for the constraint 'boolean'/);
    expect(() => bijectTo(constraints.independent(constraints.integer, 1))).toThrow(/'integer'/);
  });

  it("accepts registrations of new constraint kinds, most specific first", () => {
    class Odd extends constraints.GreaterThan {
      override readonly name = "odd";
    }
    const odd = new Odd(0);
    expect(bijectTo(odd)).toBeInstanceOf(ExpTransform); // inherited from GreaterThan
    registerBijectTo(Odd, () => new SoftplusTransform());
    expect(bijectTo(odd)).toBeInstanceOf(SoftplusTransform);
    expect(bijectTo(constraints.positive)).toBeInstanceOf(ExpTransform);
  });
});

describe("transform construction errors", () => {
  it("IndependentTransform rejects negative dims", () => {
    expect(() => new IndependentTransform(new ExpTransform(), -1)).toThrow(/nonnegative integer/);
  });
  it("sign is defined for monotone elementwise transforms only", () => {
    expect(new ComposeTransform([new ExpTransform(), new AffineTransform(0, -2)]).sign).toBe(-1);
    expect(() => new StickBreakingTransform().sign).toThrow(/no sign/);
  });
  it("ComposeTransform tracks event dims as torch does", () => {
    const c = new ComposeTransform([new ExpTransform(), new StickBreakingTransform()]);
    expect(c.domain.eventDim).toBe(1);
    expect(c.codomain.name).toBe("simplex");
    const d = new ComposeTransform([new LowerCholeskyTransform(), new AffineTransform(0, 2)]);
    expect(d.domain.eventDim).toBe(1);
    expect(d.codomain.eventDim).toBe(2);
    expect(d.forwardShape([3, 6])).toEqual([3, 3, 3]);
  });
});
