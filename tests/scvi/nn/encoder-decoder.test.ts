import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { DecoderSCVI, Encoder, type Dispersion } from "../../../src/scvi/nn/index.js";
import { setSeed } from "../../../src/backend/random.js";
import { expectBuffersClose, expectCloseTo, expectGradsClose, fixtureCase, lossAndGrads, stateOf, tensorOf } from "./fixture.js";

describe("Encoder against scvi-tools' Encoder (torch), with the same noise", () => {
  for (const name of ["encoder_normal", "encoder_ln"]) {
    it(`${name}: qm, qv, latent, gradients of every parameter and running statistics`, () => {
      const c = fixtureCase(name);
      const enc = new Encoder(c.nInput as number, c.nOutput as number, {
        nCat: c.nCat as number[],
        nLayers: c.nLayers as number,
        nHidden: c.nHidden as number,
        dropoutRate: 0,
        distribution: c.distribution as "normal" | "ln",
      });
      enc.loadStateDict(stateOf(c));
      const x = tensorOf(c.x);
      const cat = (c.cat as unknown[]).map(tensorOf);
      const noise = tensorOf(c.noise);
      const outputs = c.outputs as Record<string, unknown>;
      const { loss, grads } = lossAndGrads(
        enc,
        () => {
          const { qm, qv, latent } = enc.encode(x, { cat, noise });
          return [qm, qv, latent];
        },
        c.lossWeights as unknown[],
      );
      expect(loss).toBeCloseTo(c.loss as number, 3);
      expectGradsClose(grads, c.grads, name);
      expectBuffersClose(enc, c.runningAfter, name);
      enc.loadStateDict(stateOf(c));
      const out = enc.encode(x, { cat, noise });
      expectCloseTo(out.qm, outputs.qm, `${name} qm`);
      expectCloseTo(out.qv, outputs.qv, `${name} qv`);
      expectCloseTo(out.latent, outputs.latent, `${name} latent`);
      tf.dispose([x, noise, ...cat, out.qm, out.qv, out.latent]);
      enc.dispose();
    });
  }

  it("draws its noise from the seeded stream: setSeed reproduces the latent", () => {
    const enc = new Encoder(6, 2, { nHidden: 4 }).eval();
    const x = tf.randomNormal([5, 6], 0, 1, "float32", 1);
    setSeed(21);
    const a = enc.forward(x);
    const b = enc.forward(x);
    setSeed(21);
    const again = enc.forward(x);
    expect(Array.from(again.latent.dataSync())).toEqual(Array.from(a.latent.dataSync()));
    expect(Array.from(b.latent.dataSync())).not.toEqual(Array.from(a.latent.dataSync()));
    expect(Array.from(b.qm.dataSync())).toEqual(Array.from(a.qm.dataSync()));
    tf.dispose([x, a.qm, a.qv, a.latent, b.qm, b.qv, b.latent, again.qm, again.qv, again.latent]);
    enc.dispose();
  });

  it("gives a logistic-normal latent on the simplex for distribution 'ln', and qv ≥ varEps", () => {
    const enc = new Encoder(6, 3, { nHidden: 4, distribution: "ln", varEps: 0.01 });
    tf.tidy(() => {
      const { qv, latent } = enc.forward(tf.randomNormal([4, 6]));
      for (const s of tf.sum(latent, -1).dataSync()) expect(s).toBeCloseTo(1, 5);
      for (const v of qv.dataSync()) expect(v).toBeGreaterThanOrEqual(0.01);
    });
    enc.dispose();
  });

  it("turns dropout off in evaluation mode (the same input gives the same mean twice) and on in training", () => {
    setSeed(2);
    const enc = new Encoder(30, 2, { nHidden: 16, dropoutRate: 0.5 });
    const x = tf.randomNormal([8, 30], 0, 1, "float32", 3);
    const qmOf = () => tf.tidy(() => Array.from(enc.forward(x).qm.dataSync()));
    const t1 = qmOf();
    const t2 = qmOf();
    expect(t2).not.toEqual(t1);
    enc.eval();
    expect(qmOf()).toEqual(qmOf());
    x.dispose();
    enc.dispose();
  });

  it("returns q(z | x) as a Normal(qm, √qv) with returnDist, and nothing extra without", () => {
    const enc = new Encoder(6, 2, { nHidden: 4, returnDist: true });
    const plain = new Encoder(6, 2, { nHidden: 4 });
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const x = tf.randomNormal([3, 6]);
      const out = enc.forward(x);
      expect(out.qz).toBeDefined();
      expect(Array.from(out.qz!.loc.dataSync())).toEqual(Array.from(out.qm.dataSync()));
      const variance = out.qz!.variance.dataSync();
      out.qv.dataSync().forEach((v, i) => expect(variance[i]).toBeCloseTo(v, 5));
      expect(out.qz!.logProb(out.latent).shape).toEqual([3, 2]);
      expect(plain.forward(x).qz).toBeUndefined();
    });
    expect(tf.memory().numTensors).toBe(before);
    enc.dispose();
    plain.dispose();
  });

  it("rejects noise of the wrong shape", () => {
    const enc = new Encoder(6, 2, { nHidden: 4 });
    tf.tidy(() => {
      expect(() => enc.encode(tf.ones([3, 6]), { noise: tf.zeros([3, 3]) })).toThrow(/noise has shape \[3, 3\], expected \[3, 2\]/);
    });
    enc.dispose();
  });
});

describe("DecoderSCVI against scvi-tools' DecoderSCVI (torch)", () => {
  for (const name of ["decoder_genecell_softmax", "decoder_gene_softplus"]) {
    it(`${name}: pxScale, pxR, pxRate, pxDropout and gradients of every parameter`, () => {
      const c = fixtureCase(name);
      const dec = new DecoderSCVI(c.nInput as number, c.nOutput as number, {
        nCat: c.nCat as number[],
        nLayers: c.nLayers as number,
        nHidden: c.nHidden as number,
        useBatchNorm: c.useBatchNorm as boolean,
        scaleActivation: c.scaleActivation as "softmax" | "softplus",
      });
      dec.loadStateDict(stateOf(c));
      const z = tensorOf(c.z);
      const library = tensorOf(c.library);
      const cat = (c.cat as unknown[]).map(tensorOf);
      const dispersion = c.dispersion as Dispersion;
      const order = c.outputOrder as Array<"pxScale" | "pxR" | "pxRate" | "pxDropout">;
      const { loss, grads } = lossAndGrads(
        dec,
        () => {
          const out = dec.forward(dispersion, z, library, ...cat);
          return order.map((k) => out[k]!);
        },
        c.lossWeights as unknown[],
      );
      expect(loss / (c.loss as number)).toBeCloseTo(1, 4);
      expectGradsClose(grads, c.grads, name);
      expectBuffersClose(dec, c.runningAfter, name);
      dec.loadStateDict(stateOf(c));
      const out = dec.forward(dispersion, z, library, ...cat);
      const expected = c.outputs as Record<string, unknown>;
      for (const k of order) expectCloseTo(out[k]!, expected[k], `${name} ${k}`);
      expect(out.pxR === undefined).toBe(dispersion !== "gene-cell");
      tf.dispose([z, library, ...cat, out.pxScale, out.pxRate, out.pxDropout, ...(out.pxR ? [out.pxR] : [])]);
      dec.dispose();
    });
  }

  it("has no dropout, and its softmax scale sums to one per cell", () => {
    const dec = new DecoderSCVI(3, 12, { useBatchNorm: true });
    expect(dec.namedModules().some(([n]) => n.endsWith("dropout"))).toBe(false);
    tf.tidy(() => {
      const { pxScale, pxRate } = dec.forward("gene", tf.randomNormal([5, 3]), tf.fill([5, 1], Math.log(100)));
      for (const s of tf.sum(pxScale, -1).dataSync()) expect(s).toBeCloseTo(1, 5);
      for (const s of tf.sum(pxRate, -1).dataSync()) expect(s).toBeCloseTo(100, 2);
    });
    dec.dispose();
  });
});

describe("memory", () => {
  it("repeated forward + backward passes of an encoder and decoder, with running-statistic updates, leak no tensors", () => {
    setSeed(8);
    const enc = new Encoder(40, 3, { nHidden: 16, nCat: [2], nLayers: 2 });
    const dec = new DecoderSCVI(3, 40, { nHidden: 16, nCat: [2], useBatchNorm: true });
    const vars = [...enc.parameters(), ...dec.parameters()];
    const x = tf.randomUniform([12, 40], 0, 5, "float32", 1);
    const batch = tf.tensor2d(Array.from({ length: 12 }, (_, i) => [i % 2]));
    const library = tf.log(tf.sum(x, 1, true));
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const { qm, latent } = enc.forward(x, batch);
          const { pxRate, pxDropout, pxR } = dec.forward("gene-cell", latent, library, batch);
          return tf.addN([tf.sum(tf.square(qm)), tf.sum(pxRate), tf.sum(pxDropout), tf.sum(pxR!)]) as tf.Scalar;
        }, vars);
        value.dataSync();
        expect(Object.keys(grads)).toHaveLength(vars.length);
      });
    step();
    const before = tf.memory().numTensors;
    const runningBefore = Array.from(enc.namedBuffers()[0]![1].dataSync());
    for (let i = 0; i < 4; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(enc.namedBuffers()[0]![1].dataSync())).not.toEqual(runningBefore);
    enc.eval();
    dec.eval();
    const evalBefore = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(evalBefore);
    tf.dispose([x, batch, library]);
    enc.dispose();
    dec.dispose();
  });
});
