import { describe, expect, it } from "vitest";
import { CsrMatrix } from "../../../src/scvi/data/matrix/csr-matrix.js";
import { DenseMatrix } from "../../../src/scvi/data/matrix/dense-matrix.js";
import { logNormalize, pca } from "../../../src/scvi/metrics/pca.js";
import { jacobiSvd } from "../../../src/scvi/metrics/svd.js";
import { fixture } from "./fixture.js";

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>, scale: number): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / scale);
  return m;
}

describe("logNormalize", () => {
  it.each(fixture.pca.map((c) => [c.name, c] as const))("matches numpy on %s, from dense and CSR input", (_n, c) => {
    const dense = new DenseMatrix(c.shape, Float32Array.from(c.counts));
    expect(maxRelDiff(logNormalize(dense).data, c.logNormalized, 1)).toBeLessThan(1e-12);
    expect(maxRelDiff(logNormalize(CsrMatrix.fromDense(dense)).data, c.logNormalized, 1)).toBeLessThan(1e-12);
    expect(maxRelDiff(logNormalize({ shape: c.shape, data: c.counts }).data, c.logNormalized, 1)).toBeLessThan(1e-12);
  });

  it("leaves cells without counts at zero and scales to the target sum", () => {
    const out = logNormalize({ shape: [2, 2], data: [0, 0, 1, 3] }, 4);
    expect(Array.from(out.data)).toEqual([0, 0, Math.log1p(1), Math.log1p(3)]);
  });
});

describe("pca against numpy.linalg.svd", () => {
  it.each(fixture.pca.map((c) => [c.name, c] as const))("%s", (_n, c) => {
    const result = pca({ shape: c.shape, data: c.logNormalized }, { nComps: c.nComps, seed: 1 });
    const s1 = c.singularValues[0]!;
    expect(result.shape).toEqual([c.shape[0], c.nComps]);
    expect(maxRelDiff(result.singularValues, c.singularValues, s1)).toBeLessThan(1e-10);
    expect(maxRelDiff(result.explainedVariance, c.explainedVariance, c.explainedVariance[0]!)).toBeLessThan(1e-9);
    expect(maxRelDiff(result.mean, c.mean, 1)).toBeLessThan(1e-12);
    expect(maxRelDiff(result.components, c.components, 1)).toBeLessThan(1e-7);
    expect(maxRelDiff(result.scores, c.scores, s1)).toBeLessThan(1e-7);
  });

  it("scores are the centred data projected on orthonormal components", () => {
    const c = fixture.pca[2]!;
    const [n, p] = c.shape;
    const k = 3;
    const r = pca({ shape: c.shape, data: c.logNormalized }, { nComps: k, seed: 9 });
    for (let a = 0; a < k; a++) {
      for (let b = 0; b < k; b++) {
        let dot = 0;
        for (let j = 0; j < p; j++) dot += r.components[a * p + j]! * r.components[b * p + j]!;
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 10);
      }
    }
    for (let i = 0; i < n; i += 17) {
      for (let a = 0; a < k; a++) {
        let proj = 0;
        for (let j = 0; j < p; j++) proj += (c.logNormalized[i * p + j]! - r.mean[j]!) * r.components[a * p + j]!;
        expect(r.scores[i * k + a]).toBeCloseTo(proj, 9);
      }
    }
  });

  it("rejects a number of components above min(rows, cols)", () => {
    expect(() => pca({ shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }, { nComps: 3 })).toThrow(/nComps must be an integer in 1\.\.2/);
  });
});

describe("jacobiSvd", () => {
  it("reconstructs a matrix with orthonormal factors and sorted singular values", () => {
    const a = [2, 0, 1, -1, 3, 0.5, 0, 1, 4, 1, 1, 1];
    const { u, s, v } = jacobiSvd(a, 4, 3);
    expect(s[0]).toBeGreaterThanOrEqual(s[1]!);
    expect(s[1]).toBeGreaterThanOrEqual(s[2]!);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 3; j++) {
        let x = 0;
        for (let r = 0; r < 3; r++) x += u[i * 3 + r]! * s[r]! * v[j * 3 + r]!;
        expect(x).toBeCloseTo(a[i * 3 + j]!, 12);
      }
    }
  });
});
