import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { Normal } from "../../src/distributions/normal.js";
import { sample, param, plate, trace, replay, clearParamStore, seed } from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import { tidyScope } from "../../src/backend/scope.js";

beforeEach(() => {
  clearParamStore();
  setSeed(0);
});

describe("plate", () => {
  it("broadcasts sites to the plate size and records the frame", () => {
    tf.tidy(() => {
      const tr = trace(() => plate("data", 5, () => sample("x", new Normal(0, 1)))).getTrace();
      const x = tr.nodes.get("x")!;
      expect(x.value.shape).toEqual([5]);
      expect(x.fn!.batchShape).toEqual([5]);
      expect(x.plates.map((p) => [p.name, p.dim, p.size, p.fullSize])).toEqual([["data", -1, 5, 5]]);
      expect(x.scale).toBe(1);
    });
  });

  it("nested plates take dims -1, -2 automatically and broadcast to [inner, outer]", () => {
    tf.tidy(() => {
      const tr = trace(() =>
        plate("a", 3, () => plate("b", 4, () => sample("x", new Normal(0, 1)))),
      ).getTrace();
      expect(tr.nodes.get("x")!.value.shape).toEqual([4, 3]);
      expect(tr.nodes.get("x")!.plates.map((p) => [p.name, p.dim])).toEqual([
        ["b", -2],
        ["a", -1],
      ]);
    });
  });

  it("a dim collision throws, naming both plates", () => {
    expect(() =>
      tidyScope(() => trace(() => plate("a", 3, () => plate("b", 4, () => 0, { dim: -1 }))).getTrace()),
    ).toThrow(/plate 'b' asks for dim -1.*'a'/);
  });

  it("a site whose batch shape does not fit its plate throws with the shape table", () => {
    const bad = () =>
      plate("data", 3, () => {
        sample("ok", new Normal(0, 1));
        sample("x", new Normal(tf.zeros([4]), 1));
      });
    let message = "";
    try {
      tidyScope(() => trace(bad).getTrace());
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/site 'x'/);
    expect(message).toMatch(/plate 'data'/);
    expect(message).toMatch(/\[4\]/);
    expect(message).toMatch(/ok\s+sample/); // the shape table lists the sites so far
  });

  it("subsampling scales by size / subsampleSize and yields distinct indices in range", () => {
    tf.tidy(() => {
      const tr = trace(() =>
        plate("data", 10, (idx) => sample("x", new Normal(0, 1), { obs: tf.zeros([idx.shape[0]]) }), { subsampleSize: 4 }),
      ).getTrace();
      const x = tr.nodes.get("x")!;
      expect(x.scale).toBeCloseTo(2.5);
      const idx = Array.from(tr.nodes.get("data")!.value.dataSync());
      expect(new Set(idx).size).toBe(4);
      expect(idx.every((i) => i >= 0 && i < 10)).toBe(true);
    });
  });

  it("replay makes the model see the guide's subsample indices", () => {
    tf.tidy(() => {
      const seen: number[][] = [];
      const fn = () => plate("data", 20, (idx) => seen.push(Array.from(idx.dataSync())), { subsampleSize: 5 });
      const tr = trace(fn).getTrace();
      trace(replay(fn, { trace: tr })).getTrace();
      expect(seen[1]).toEqual(seen[0]);
    });
  });

  it("property: the scaled log-density of a subsample averages to the full-data value", () => {
    const data = tf.tensor1d([0.3, -1.2, 2.0, 0.7, -0.4, 1.1]);
    const full = tf.tidy(() => new Normal(0.2, 1.3).logProb(data).sum().dataSync()[0]!);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), (m) => {
        const all: number[] = [];
        // Average over every subsample of size m is exact; approximate with many seeded draws.
        for (let s = 0; s < 300; s++) {
          const v = tf.tidy(() => {
            const fn = () =>
              plate("n", 6, (idx) => sample("x", new Normal(0.2, 1.3), { obs: tf.gather(data, idx) }), { subsampleSize: m });
            return trace(seed(fn, s)).getTrace().logProbSum().dataSync()[0]!;
          });
          all.push(v);
        }
        const mean = all.reduce((a, b) => a + b, 0) / all.length;
        const sd = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / (all.length - 1));
        return Math.abs(mean - full) <= 4 * (sd / Math.sqrt(all.length)) + 1e-4;
      }),
      { seed: 42, numRuns: 6 },
    );
    data.dispose();
  });

  it("a param with eventDim in a subsampled plate is sliced to the subsample", () => {
    tf.tidy(() => {
      const fn = () =>
        plate("n", 6, () => param("loc", tf.range(0, 6).mul(10), { eventDim: 0 }), { subsample: [4, 1] });
      const tr = trace(fn).getTrace();
      expect(Array.from((tr.returnValue as tf.Tensor).dataSync())).toEqual([40, 10]);
    });
  });
});
