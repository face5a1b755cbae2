import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomStream, currentStream, nextSeed, setSeed, withRandomStream } from "../../src/backend/random.js";
import { parseDraw, runDrawChild } from "./child/spawn.js";

/** The draws tests/backend/child/draw.mjs makes, in this process. */
function draw(seed: number) {
  setSeed(seed);
  return tf.tidy(() => {
    const normal = Array.from(tf.randomNormal([64], 0, 1, "float32", nextSeed()).dataSync());
    const uniform = Array.from(tf.randomUniform([64], 0, 1, "float32", nextSeed()).dataSync());
    const normal2 = Array.from(tf.randomNormal([64], 0, 1, "float32", nextSeed()).dataSync());
    return { normal, uniform, normal2, seedAfter: nextSeed() };
  });
}

describe("seeded randomness", () => {
  it("setSeed makes tfjs draws bit-identical within a process", () => {
    const a = draw(123);
    const b = draw(123);
    expect(b).toEqual(a);
    // fresh seeds per call: consecutive draws differ, and another seed gives other numbers
    expect(a.normal2).not.toEqual(a.normal);
    expect(draw(124).normal).not.toEqual(a.normal);
  });

  it("gives bit-identical draws in two separate node processes, equal to this process's", async () => {
    const [first, second] = await Promise.all([runDrawChild(123), runDrawChild(123)]);
    const c1 = parseDraw(first);
    const c2 = parseDraw(second);
    const here = draw(123);
    for (const key of ["normal", "uniform", "normal2", "seedAfter"] as const) {
      expect(c1[key], key).toEqual(c2[key]);
      expect(c1[key], key).toEqual(here[key]);
    }
  });

  it("RandomStream: same seed, same sequence; string seeds work; seeds are 31-bit", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), (seed) => {
        const s1 = new RandomStream(seed);
        const s2 = new RandomStream(seed);
        const a = [s1.nextSeed(), s1.uniform(), s1.nextSeed()];
        expect([s2.nextSeed(), s2.uniform(), s2.nextSeed()]).toEqual(a);
        for (const v of [a[0]!, a[2]!]) expect(Number.isInteger(v) && v >= 0 && v < 2 ** 31).toBe(true);
        expect(a[1]! >= 0 && a[1]! < 1).toBe(true);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("withRandomStream scopes the stream, restores it after a throw, and nests", () => {
    setSeed(5);
    const global = currentStream();
    const inner = new RandomStream("inner");
    expect(() =>
      withRandomStream(inner, () => {
        expect(currentStream()).toBe(inner);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(currentStream()).toBe(global);

    const outer = new RandomStream(1);
    const seen = withRandomStream(outer, () => {
      const deeper = new RandomStream(2);
      withRandomStream(deeper, () => expect(currentStream()).toBe(deeper));
      return currentStream();
    });
    expect(seen).toBe(outer);
    expect(currentStream()).toBe(global);
  });

  it("draws inside withRandomStream do not advance the global stream", () => {
    setSeed(9);
    const expected = [nextSeed(), nextSeed()];
    setSeed(9);
    const first = nextSeed();
    withRandomStream(new RandomStream(77), () => {
      nextSeed();
      nextSeed();
    });
    expect([first, nextSeed()]).toEqual(expected);
  });
});
