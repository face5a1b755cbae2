import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { DecoderSCVI, Encoder, Linear, Module, ModuleDict, BatchNorm1d, Dropout } from "../../../src/scvi/nn/index.js";
import { setSeed } from "../../../src/backend/random.js";

/** A module with a parameter, a buffer and two children, to exercise the base class. */
class Toy extends Module {
  readonly scale: tf.Variable;
  readonly count: tf.Variable;
  readonly lin: Linear;
  readonly drop: Dropout;
  constructor() {
    super();
    this.scale = this.registerParameter("scale", tf.ones([2]));
    this.count = this.registerBuffer("count", tf.zeros([1]));
    this.lin = this.registerModule("lin", new Linear(3, 2));
    this.drop = this.registerModule("drop", new Dropout(0.5));
  }
}

describe("Module", () => {
  it("names parameters and buffers by dotted path, own members first", () => {
    const toy = new Toy();
    expect(toy.namedParameters().map(([n]) => n)).toEqual(["scale", "lin.weight", "lin.bias"]);
    expect(toy.namedBuffers().map(([n]) => n)).toEqual(["count"]);
    expect(toy.namedModules().map(([n]) => n)).toEqual(["", "lin", "drop"]);
    expect(toy.parameters()[0]).toBe(toy.scale);
    expect(toy.numParameters()).toBe(2 + 6 + 2);
    expect(toy.namedParameters().every(([, v]) => v.trainable)).toBe(true);
    expect(toy.namedBuffers().every(([, v]) => !v.trainable)).toBe(true);
    toy.dispose();
  });

  it("names an Encoder's and a DecoderSCVI's weights as scvi-tools does, in camel case", () => {
    const enc = new Encoder(20, 4, { nLayers: 2, nHidden: 8, nCat: [3] });
    expect(enc.namedParameters().map(([n]) => n)).toEqual([
      "encoder.fcLayers.layer0.linear.weight",
      "encoder.fcLayers.layer0.linear.bias",
      "encoder.fcLayers.layer0.batchNorm.weight",
      "encoder.fcLayers.layer0.batchNorm.bias",
      "encoder.fcLayers.layer1.linear.weight",
      "encoder.fcLayers.layer1.linear.bias",
      "encoder.fcLayers.layer1.batchNorm.weight",
      "encoder.fcLayers.layer1.batchNorm.bias",
      "meanEncoder.weight",
      "meanEncoder.bias",
      "varEncoder.weight",
      "varEncoder.bias",
    ]);
    expect(enc.namedBuffers().map(([n]) => n)).toEqual([
      "encoder.fcLayers.layer0.batchNorm.runningMean",
      "encoder.fcLayers.layer0.batchNorm.runningVar",
      "encoder.fcLayers.layer1.batchNorm.runningMean",
      "encoder.fcLayers.layer1.batchNorm.runningVar",
    ]);
    // covariates are injected into both layers (3 one-hot columns)
    expect(enc.stateDict()["encoder.fcLayers.layer0.linear.weight"]!.shape).toEqual([8, 23]);
    expect(enc.stateDict()["encoder.fcLayers.layer1.linear.weight"]!.shape).toEqual([8, 11]);
    const dec = new DecoderSCVI(4, 30);
    expect(dec.namedParameters().map(([n]) => n)).toEqual([
      "pxDecoder.fcLayers.layer0.linear.weight",
      "pxDecoder.fcLayers.layer0.linear.bias",
      "pxScaleDecoder.weight",
      "pxScaleDecoder.bias",
      "pxRDecoder.weight",
      "pxRDecoder.bias",
      "pxDropoutDecoder.weight",
      "pxDropoutDecoder.bias",
    ]);
    enc.dispose();
    dec.dispose();
  });

  it("propagates train/eval to every descendant, including children registered later", () => {
    const enc = new Encoder(5, 2, { nLayers: 2, nHidden: 4 });
    const all = () => enc.namedModules().map(([, m]) => m.training);
    expect(all().every((t) => t)).toBe(true);
    expect(enc.eval()).toBe(enc);
    expect(all().every((t) => !t)).toBe(true);
    enc.train();
    expect(all().every((t) => t)).toBe(true);
    enc.train(false);
    expect(all().every((t) => !t)).toBe(true);
    const dict = new ModuleDict<BatchNorm1d>();
    dict.eval();
    const bn = dict.add("bn", new BatchNorm1d(2));
    expect(bn.training).toBe(false);
    enc.dispose();
    dict.dispose();
  });

  it("round-trips state dicts: load(stateDict()) reproduces every value and keeps the Variables", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 10_000 }), (seedA, seedB) => {
        setSeed(seedA);
        const a = new Encoder(6, 3, { nCat: [2], nHidden: 5, nLayers: 2 });
        setSeed(seedB);
        const b = new Encoder(6, 3, { nCat: [2], nHidden: 5, nLayers: 2 });
        const before = b.parameters();
        const state = a.stateDict();
        b.loadStateDict(state);
        const back = b.stateDict();
        expect(Object.keys(back)).toEqual(Object.keys(state));
        for (const k of Object.keys(state)) {
          expect(back[k]!.shape).toEqual(state[k]!.shape);
          expect(Array.from(back[k]!.data)).toEqual(Array.from(state[k]!.data));
        }
        b.parameters().forEach((v, i) => expect(v).toBe(before[i]));
        const x = tf.randomNormal([4, 6], 0, 1, "float32", seedA);
        const noise = tf.randomNormal([4, 3], 0, 1, "float32", seedB);
        const cat = tf.tensor2d([[0], [1], [1], [0]]);
        a.eval();
        b.eval();
        const ya = a.encode(x, { cat: [cat], noise });
        const yb = b.encode(x, { cat: [cat], noise });
        expect(Array.from(yb.latent.dataSync())).toEqual(Array.from(ya.latent.dataSync()));
        tf.dispose([x, noise, cat, ya.qm, ya.qv, ya.latent, yb.qm, yb.qv, yb.latent]);
        a.dispose();
        b.dispose();
      }),
      { seed: 42, numRuns: 5 },
    );
  });

  it("gives Linear weights in PyTorch's [nOut, nIn] layout whatever the storage", () => {
    const io = new Linear(4, 2, { layout: "io" });
    const oi = new Linear(4, 2, { layout: "oi" });
    expect(io.stateDict().weight!.shape).toEqual([2, 4]);
    expect(oi.stateDict().weight!.shape).toEqual([2, 4]);
    oi.loadStateDict(io.stateDict());
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4]);
      const a = io.forward(x).dataSync();
      const b = oi.forward(x).dataSync();
      a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    });
    io.dispose();
    oi.dispose();
  });

  it("loadStateDict throws naming the key on a shape mismatch and assigns nothing", () => {
    const lin = new Linear(3, 2);
    const state = lin.stateDict();
    const original = Array.from(lin.bias!.dataSync());
    const bad = { ...state, bias: { shape: [2], data: new Float32Array([7, 7]) }, weight: { shape: [3, 2], data: new Float32Array(6) } };
    expect(() => lin.loadStateDict(bad)).toThrow(/'weight' has shape \[3, 2\] but the module expects \[2, 3\]/);
    expect(Array.from(lin.bias!.dataSync())).toEqual(original);
    expect(() => lin.loadStateDict({ ...state, weight: { shape: [2, 3], data: new Float32Array(5) } })).toThrow(/'weight' has 5 values/);
    lin.dispose();
  });

  it("loadStateDict reports missing and unexpected keys when strict, and loads the rest when not", () => {
    const lin = new Linear(3, 2);
    const { weight, bias } = lin.stateDict();
    expect(() => lin.loadStateDict({ weight: weight! })).toThrow(/missing keys 'bias'/);
    expect(() => lin.loadStateDict({ weight: weight!, bias: bias!, extra: bias! })).toThrow(/unexpected keys 'extra'/);
    lin.loadStateDict({ bias: { shape: [2], data: new Float32Array([1, 2]) } }, { strict: false });
    expect(Array.from(lin.bias!.dataSync())).toEqual([1, 2]);
    lin.dispose();
  });

  it("rejects duplicate or dotted member names", () => {
    class Bad extends Module {
      constructor(name: string, twice: boolean) {
        super();
        this.registerParameter(name, tf.zeros([1]));
        if (twice) this.registerBuffer(name, tf.zeros([1]));
      }
    }
    expect(() => new Bad("a", true)).toThrow(/'a' is already registered/);
    expect(() => new Bad("a.b", false)).toThrow(/not a valid member name/);
  });

  it("dispose frees every variable, including buffers and children's, and is idempotent", () => {
    const before = tf.memory().numTensors;
    const enc = new Encoder(10, 2, { nHidden: 4 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    enc.dispose();
    enc.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
