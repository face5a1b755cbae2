import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Delta } from "../../src/distributions/delta.js";
import { expectClose, expectNoLeak, smallShape } from "./discrete-helpers.js";

describe("Delta", () => {
  it("puts its mass at v: logProb is logDensity there and -Infinity elsewhere, over the whole event", () => {
    tf.tidy(() => {
      const d = new Delta(tf.tensor([[1, 2], [3, 4]]), { eventDim: 1, logDensity: tf.tensor([0.5, -1]) });
      expect(d.batchShape).toEqual([2]);
      expect(d.eventShape).toEqual([2]);
      expectClose(d.logProb(tf.tensor([[1, 2], [3, 5]])), [0.5, -Infinity], "event mismatch");
      expectClose(d.logProb(tf.tensor([[[1, 2], [3, 4]], [[0, 2], [3, 4]]])), [[0.5, -1], [-Infinity, -1]], "sample dims");
      const scalar = new Delta(3);
      expectClose(scalar.logProb(tf.tensor([3, 2])), [0, -Infinity], "eventDim 0");
      expectClose(scalar.mean, 3, "mean");
      expectClose(scalar.variance, 0, "variance");
    });
  });

  it("rsamples v itself, differentiably, and logProb is differentiable in logDensity", () => {
    tf.tidy(() => {
      const v = tf.tensor([1, -2]);
      const g = tf.grad((t) => tf.sum(tf.mul(new Delta(t).rsample([3]), tf.tensor([1, 2]))))(v);
      expectClose(g, [3, 6], "d rsample / dv");
      const gl = tf.grad((ld) => tf.sum(new Delta(v, { logDensity: ld }).logProb(v)))(tf.tensor([0.1, 0.2]));
      expectClose(gl, [1, 1], "d logProb / d logDensity");
      expect(new Delta(v).hasRsample).toBe(true);
      expectClose(new Delta(v).sample([2]), [[1, -2], [1, -2]], "sample");
    });
  });

  it("obeys the shape laws (property): sample, rsample, logProb, expand", () => {
    fc.assert(
      fc.property(smallShape, smallShape, smallShape, (batch, event, sampleShape) => {
        tf.tidy(() => {
          const v = tf.randomNormal([...batch, ...event], 0, 1, "float32", 1);
          const d = new Delta(v, { eventDim: event.length });
          expect(d.batchShape).toEqual(batch);
          expect(d.eventShape).toEqual(event);
          const x = d.rsample(sampleShape);
          expect(x.shape).toEqual([...sampleShape, ...batch, ...event]);
          const lp = d.logProb(x);
          expect(lp.shape).toEqual([...sampleShape, ...batch]);
          expect(Array.from(lp.dataSync()).every((a) => a === 0)).toBe(true);
          const e = d.expand([2, ...batch]);
          expect(e).toBeInstanceOf(Delta);
          expect(e.batchShape).toEqual([2, ...batch]);
          const y = e.sample();
          expect(y.shape).toEqual([2, ...batch, ...event]);
          expect(Array.from(e.logProb(y).dataSync())).toEqual(new Array(2 * batch.reduce((a, b) => a * b, 1)).fill(0));
        });
      }),
      { seed: 42, numRuns: 25 },
    );
  });

  it("names the distribution on bad arguments and values", () => {
    expect(() => tf.tidy(() => void new Delta(tf.ones([2]), { eventDim: 2 }))).toThrow(/Delta: option 'eventDim' must be an integer in \[0, 1\]/);
    expect(() => tf.tidy(() => void new Delta(NaN))).toThrow(/Delta: parameter 'v'/);
    expect(() => tf.tidy(() => void new Delta(tf.ones([2, 3])).expand([3, 3]))).toThrow(/Delta.expand/);
    tf.tidy(() => {
      expect(() => new Delta(1).logProb(tf.tensor([NaN]))).toThrow(/Delta.logProb: value outside the support \(real\)/);
    });
  });

  it("does not leak tensors", () => {
    const work = () => {
      const d = new Delta(tf.tensor([1, 2]), { eventDim: 1, logDensity: 0.5 });
      d.logProb(d.rsample([3]));
      d.expand([4]).sample();
      void d.mean;
      tf.grad((t) => tf.sum(new Delta(t).rsample([2])))(tf.tensor([1, 2]));
    };
    tf.tidy(work);
    expectNoLeak(work);
  });
});
