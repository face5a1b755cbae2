import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { Normal } from "../../src/distributions/normal.js";
import { sample, param, plate, deterministic, clearParamStore } from "../../src/ppl/index.js";
import { setSeed } from "../../src/backend/random.js";
import { Predictive } from "../../src/infer/predictive.js";

const data = tf.tensor1d([5, 5, 5]);

function model(): void {
  const z = sample("z", new Normal(0, 1));
  deterministic("twoZ", tf.mul(z, 2));
  plate("data", 3, () => {
    sample("x", new Normal(z, 0.5), { obs: data });
  });
}

/** Mean and its standard error of a flat array. */
function meanSe(xs: ArrayLike<number>): { mean: number; se: number; variance: number } {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += xs[i]!;
  m /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - m) ** 2;
  const variance = ss / (n - 1);
  return { mean: m, se: Math.sqrt(variance / n), variance };
}

function column(t: tf.Tensor, j: number): Float32Array {
  return tf.tidy(() => tf.squeeze(tf.slice(t, [0, j], [-1, 1]), [1]).dataSync() as Float32Array);
}

beforeEach(() => {
  clearParamStore();
  setSeed(7);
});

describe("Predictive from the prior", () => {
  it("returns every sample and deterministic site stacked over draws, with observed sites resampled", () => {
    const out = new Predictive(model, { numSamples: 400 }).get();
    expect(Object.keys(out).sort()).toEqual(["twoZ", "x", "z"]);
    expect(out.z!.shape).toEqual([400]);
    expect(out.x!.shape).toEqual([400, 3]);
    expect(out.twoZ!.shape).toEqual([400]);
    const z = out.z!.dataSync();
    const twoZ = out.twoZ!.dataSync();
    for (let i = 0; i < 400; i++) expect(twoZ[i]).toBeCloseTo(2 * z[i]!, 5);
    // The observation (5) is dropped: x ~ N(0, 1 + 0.25) marginally.
    for (let j = 0; j < 3; j++) {
      const x = meanSe(column(out.x!, j));
      expect(Math.abs(x.mean)).toBeLessThan(4 * x.se);
      expect(Math.abs(x.variance - 1.25)).toBeLessThan(0.25);
    }
    // x_0 - x_1 does not involve z: variance 2 · 0.25.
    const diff = meanSe(tf.tidy(() => tf.sub(tf.slice(out.x!, [0, 0], [-1, 1]), tf.slice(out.x!, [0, 1], [-1, 1])).dataSync()));
    expect(Math.abs(diff.variance - 0.5)).toBeLessThan(0.12);
    tf.dispose(Object.values(out));
  });

  it("selects returnSites and names an unknown one", () => {
    const out = new Predictive(model, { numSamples: 5, returnSites: ["x"] }).get();
    expect(Object.keys(out)).toEqual(["x"]);
    tf.dispose(Object.values(out));
    expect(() => new Predictive(model, { numSamples: 5, returnSites: ["nope"] }).get()).toThrow(/'nope'.*z, twoZ, x/);
  });

  it("leaves no tensors behind but its results", () => {
    const p = new Predictive(model, { numSamples: 10 });
    tf.dispose(Object.values(p.get()));
    const before = tf.memory().numTensors;
    tf.dispose(Object.values(p.get()));
    tf.dispose(Object.values(new Predictive(model, { numSamples: 10, parallel: true }).get()));
    expect(tf.memory().numTensors).toBe(before);
  });

  it("parallel draws have the same shapes and moments as sequential ones", () => {
    const seq = new Predictive(model, { numSamples: 400 }).get();
    const par = new Predictive(model, { numSamples: 400, parallel: true }).get();
    for (const k of ["z", "x", "twoZ"]) expect(par[k]!.shape).toEqual(seq[k]!.shape);
    for (let j = 0; j < 3; j++) {
      const a = meanSe(column(seq.x!, j));
      const b = meanSe(column(par.x!, j));
      expect(Math.abs(a.mean - b.mean)).toBeLessThan(4 * Math.hypot(a.se, b.se));
      expect(Math.abs(b.variance - 1.25)).toBeLessThan(0.25);
    }
    const z = par.z!.dataSync();
    const twoZ = par.twoZ!.dataSync();
    for (let i = 0; i < 400; i++) expect(twoZ[i]).toBeCloseTo(2 * z[i]!, 5);
    tf.dispose([...Object.values(seq), ...Object.values(par)]);
  });

  it("rejects inconsistent options", () => {
    expect(() => new Predictive(model)).toThrow(/numSamples/);
    expect(() => new Predictive(model, { numSamples: 2, guide: () => {}, posteriorSamples: { z: tf.zeros([2]) } })).toThrow(/either/);
    expect(() => new Predictive(model, { numSamples: 3, posteriorSamples: { z: tf.zeros([2]) } })).toThrow(/3.*2/);
  });
});

describe("Predictive from posterior samples and guides", () => {
  it("sets latent sites to the given samples, draw by draw", () => {
    const zs = tf.tensor1d([-10, 0, 10, 20]);
    for (const parallel of [false, true]) {
      const out = new Predictive(model, { posteriorSamples: { z: zs }, parallel }).get();
      expect(Object.keys(out).sort()).toEqual(["twoZ", "x"]);
      expect(Array.from(out.twoZ!.dataSync())).toEqual([-20, 0, 20, 40]);
      const x = out.x!.arraySync() as number[][];
      x.forEach((row, i) => row.forEach((v) => expect(Math.abs(v - [-10, 0, 10, 20][i]!)).toBeLessThan(2.5)));
      tf.dispose(Object.values(out));
    }
  });

  it("runs the guide per draw and the model at its values", () => {
    const guide = () => {
      const loc = param("q.loc", tf.scalar(3));
      sample("z", new Normal(loc, 0.1));
    };
    for (const parallel of [false, true]) {
      const out = new Predictive(model, { guide, numSamples: 300, parallel }).get();
      const z = meanSe(out.z!.dataSync());
      expect(Math.abs(z.mean - 3)).toBeLessThan(4 * z.se);
      expect(Math.abs(Math.sqrt(z.variance) - 0.1)).toBeLessThan(0.02);
      const x = meanSe(column(out.x!, 2));
      expect(Math.abs(x.mean - 3)).toBeLessThan(4 * x.se);
      tf.dispose(Object.values(out));
    }
  });

  it("replays the guide's plate subsample in the model", () => {
    const locs = tf.tensor1d([0, 10, 20, 30, 40, 50, 60, 70]);
    const guide = () => {
      plate("items", 8, (idx) => sample("w", new Normal(tf.gather(locs, idx), 0.01)), { subsampleSize: 3 });
    };
    const local = () => {
      plate(
        "items",
        8,
        (idx) => {
          const w = sample("w", new Normal(0, 100));
          deterministic("idx", tf.cast(idx, "float32"));
          sample("y", new Normal(w, 0.01), { obs: tf.zeros([3]) });
        },
        { subsampleSize: 3 },
      );
    };
    const out = new Predictive(local, { guide, numSamples: 20 }).get();
    const idx = out.idx!.dataSync();
    const w = out.w!.dataSync();
    const y = out.y!.dataSync();
    expect(new Set(idx).size).toBeGreaterThan(3);
    for (let i = 0; i < idx.length; i++) {
      expect(Math.abs(w[i]! - 10 * idx[i]!)).toBeLessThan(0.1);
      expect(Math.abs(y[i]! - w[i]!)).toBeLessThan(0.1);
    }
    tf.dispose(Object.values(out));
  });
});
