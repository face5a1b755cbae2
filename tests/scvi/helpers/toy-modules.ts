/**
 * A linear-Gaussian factor model written both ways (plain and Pyro-style), for framework
 * tests: x = W z + b + noise, z ~ N(0, I), with an amortised Gaussian encoder.
 */
import * as tf from "@tensorflow/tfjs";
import "../../../src/distributions/index.js";
import { Normal } from "../../../src/distributions/normal.js";
import { Linear } from "../../../src/scvi/nn/linear.js";
import { Module } from "../../../src/scvi/nn/module.js";
import { BaseModuleClass, type LossKwargs, type ModuleOutputs, type TensorDict } from "../../../src/scvi/module/base/base-module.js";
import { LossOutput } from "../../../src/scvi/module/base/loss-output.js";
import { PyroBaseModuleClass } from "../../../src/scvi/module/base/pyro-base-module.js";
import { module as ppModule, plate, sample } from "../../../src/ppl/index.js";

/** Encoder x → (mean, variance) of z. */
class GaussianEncoder extends Module {
  readonly net: Linear;
  constructor(
    nIn: number,
    readonly nLatent: number,
  ) {
    super();
    this.net = this.registerModule("net", new Linear(nIn, 2 * nLatent));
  }
  forward(x: tf.Tensor): { qzm: tf.Tensor; qzv: tf.Tensor } {
    const h = this.net.forward(x);
    const [qzm, raw] = tf.split(h, 2, -1);
    return { qzm: qzm!, qzv: tf.add(tf.exp(raw!), 1e-4) };
  }
}

/** Decoder z → mean of x, plus a per-gene log noise scale. */
class GaussianDecoder extends Module {
  readonly net: Linear;
  readonly logScale: tf.Variable;
  constructor(nLatent: number, nOut: number) {
    super();
    this.net = this.registerModule("net", new Linear(nLatent, nOut));
    this.logScale = this.registerParameter("logScale", tf.zeros([nOut]));
  }
  forward(z: tf.Tensor): tf.Tensor {
    return this.net.forward(z);
  }
}

/** The plain-module version. */
export class ToyFactorVAE extends BaseModuleClass {
  readonly encoder: GaussianEncoder;
  readonly decoder: GaussianDecoder;
  constructor(nGenes: number, nLatent = 2) {
    super();
    this.encoder = this.registerModule("encoder", new GaussianEncoder(nGenes, nLatent));
    this.decoder = this.registerModule("decoder", new GaussianDecoder(nLatent, nGenes));
  }
  getInferenceInput(tensors: TensorDict): ModuleOutputs {
    return { x: tensors.X };
  }
  inference({ x }: ModuleOutputs): ModuleOutputs {
    const { qzm, qzv } = this.encoder.forward(x as tf.Tensor);
    const z = new Normal(qzm, tf.sqrt(qzv), { validateArgs: false }).rsample();
    return { qzm, qzv, z };
  }
  getGenerativeInput(_tensors: TensorDict, inf: ModuleOutputs): ModuleOutputs {
    return { z: inf.z };
  }
  generative({ z }: ModuleOutputs): ModuleOutputs {
    return { pxm: this.decoder.forward(z as tf.Tensor), pxs: tf.exp(this.decoder.logScale) };
  }
  loss(tensors: TensorDict, inf: ModuleOutputs, gen: ModuleOutputs, { klWeight }: LossKwargs): LossOutput {
    const x = tensors.X!;
    const rec = tf.neg(tf.sum(new Normal(gen.pxm as tf.Tensor, gen.pxs as tf.Tensor, { validateArgs: false }).logProb(x), -1));
    const qzm = inf.qzm as tf.Tensor;
    const qzv = inf.qzv as tf.Tensor;
    const kl = tf.sum(tf.mul(0.5, tf.sub(tf.add(qzv, tf.square(qzm)), tf.add(1, tf.log(qzv)))), -1);
    return new LossOutput({ loss: tf.mean(tf.add(rec, tf.mul(klWeight, kl))), reconstructionLoss: rec, klLocal: kl });
  }
}

/** The Pyro-style version of the same model. */
export class ToyFactorPyro extends PyroBaseModuleClass<[tf.Tensor]> {
  readonly encoder: GaussianEncoder;
  readonly decoder: GaussianDecoder;
  constructor(
    nGenes: number,
    readonly nLatent = 2,
  ) {
    super();
    this.encoder = this.registerModule("encoder", new GaussianEncoder(nGenes, nLatent));
    this.decoder = this.registerModule("decoder", new GaussianDecoder(nLatent, nGenes));
  }
  getFnArgsFromBatch(tensors: TensorDict): [tf.Tensor] {
    return [tensors.X!];
  }
  model(x: tf.Tensor): void {
    ppModule("decoder", this.decoder);
    const n = x.shape[0]!;
    plate(
      "obs",
      this.nObs ?? n,
      () => {
        const z = sample("z", new Normal(tf.zeros([n, this.nLatent]), 1, { validateArgs: false }).toEvent(1));
        const scale = tf.exp(this.decoder.logScale);
        sample("x", new Normal(this.decoder.forward(z), scale, { validateArgs: false }).toEvent(1), { obs: x });
      },
      { subsampleSize: n },
    );
  }
  guide(x: tf.Tensor): void {
    ppModule("encoder", this.encoder);
    const n = x.shape[0]!;
    plate(
      "obs",
      this.nObs ?? n,
      () => {
        const { qzm, qzv } = this.encoder.forward(x);
        sample("z", new Normal(qzm, tf.sqrt(qzv), { validateArgs: false }).toEvent(1));
      },
      { subsampleSize: n },
    );
  }
}

/** Synthetic data of the factor model: `[nCells, nGenes]`, deterministic for a seed. */
export function factorData(nCells: number, nGenes: number, seedValue = 0): Float32Array {
  let s = seedValue + 1;
  const rand = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const w = Array.from({ length: 2 * nGenes }, () => gauss());
  const out = new Float32Array(nCells * nGenes);
  for (let i = 0; i < nCells; i++) {
    const z0 = gauss();
    const z1 = gauss();
    for (let g = 0; g < nGenes; g++) out[i * nGenes + g] = w[g]! * z0 + w[nGenes + g]! * z1 + 0.3 * gauss() + 1;
  }
  return out;
}

/** A minibatch source over a dense matrix: yields `{ X }` and disposes the previous batch. */
export function* batches(data: Float32Array, nGenes: number, batchSize: number, rows?: readonly number[]): Generator<TensorDict> {
  const idx = rows ?? Array.from({ length: data.length / nGenes }, (_, i) => i);
  let previous: tf.Tensor | undefined;
  try {
    for (let start = 0; start < idx.length; start += batchSize) {
      const part = idx.slice(start, start + batchSize);
      const buf = new Float32Array(part.length * nGenes);
      part.forEach((r, j) => buf.set(data.subarray(r * nGenes, (r + 1) * nGenes), j * nGenes));
      previous?.dispose();
      previous = tf.tensor2d(buf, [part.length, nGenes]);
      yield { X: previous };
    }
  } finally {
    previous?.dispose();
  }
}

/** An iterable that restarts {@link batches} each epoch. */
export function batchSource(data: Float32Array, nGenes: number, batchSize: number, rows?: readonly number[]): Iterable<TensorDict> {
  return { [Symbol.iterator]: () => batches(data, nGenes, batchSize, rows) };
}
