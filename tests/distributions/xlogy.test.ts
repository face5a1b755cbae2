import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { xlogy } from "../../src/distributions/family-params.js";
import { Gamma } from "../../src/distributions/gamma.js";
import { Beta } from "../../src/distributions/beta.js";

describe("xlogy", () => {
  it("is 0 at a = 0 and x = 0, with d/da = log x for x > 0 even at a = 0", () => {
    tf.tidy(() => {
      expect(xlogy(tf.scalar(0), tf.scalar(0)).dataSync()[0]).toBe(0);
      const [ga, gx] = tf.grads((a: tf.Tensor, x: tf.Tensor) => xlogy(a, x))([tf.tensor1d([0, 2, 0]), tf.tensor1d([0.7, 0.5, 0])]);
      const da = Array.from(ga!.dataSync());
      expect(da[0]).toBeCloseTo(Math.log(0.7), 6);
      expect(da[1]).toBeCloseTo(Math.log(0.5), 6);
      expect(da[2]).toBe(0);
      expect(Array.from(gx!.dataSync()).slice(0, 2)).toEqual([0, 4]);
    });
  });

  it("gives Gamma and Beta the right concentration gradient at a concentration of exactly 1", () => {
    tf.tidy(() => {
      // d/da log Gamma(x; a, b) = log b + log x - digamma(a); at a = 1: log 1.5 + log 0.7 + 0.5772157.
      const g = tf.grad((a: tf.Tensor) => new Gamma(a, 1.5).logProb(tf.scalar(0.7)))(tf.scalar(1));
      expect(g.dataSync()[0]).toBeCloseTo(Math.log(1.5) + Math.log(0.7) + 0.5772157, 5);
      // d/da log Beta(x; a, b) = log x - digamma(a) + digamma(a + b), at a = 1, b = 2.
      const gb = tf.grad((a: tf.Tensor) => new Beta(a, 2).logProb(tf.scalar(0.3)))(tf.scalar(1));
      // digamma(1) = -0.5772157, digamma(3) = 0.9227843
      expect(gb.dataSync()[0]).toBeCloseTo(Math.log(0.3) + 0.5772157 + 0.9227843, 5);
      // and in the second concentration at exactly 1: log(1 - x) - digamma(1) + digamma(a + 1), a = 2.
      const gb0 = tf.grad((b: tf.Tensor) => new Beta(2, b).logProb(tf.scalar(0.3)))(tf.scalar(1));
      expect(gb0.dataSync()[0]).toBeCloseTo(Math.log(0.7) + 0.5772157 + 0.9227843, 5);
      expect(new Beta(2, 1).logProb(tf.scalar(1)).dataSync()[0]).toBeCloseTo(Math.log(2), 5);
    });
  });
});
