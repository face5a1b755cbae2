/**
 * `VAE`: scVI as a plain module (`inference` / `generative` / `loss`), scvi-tools' `VAE`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { nextSeed } from "../../backend/random.js";
import { sumRightmost } from "../../backend/tensor.js";
import { BaseModuleClass, type LossKwargs, type ModuleOutputs, type TensorDict } from "./base/base-module.js";
import { LossOutput } from "./base/loss-output.js";
import { ScviCore, scviInputsFromBatch, type ScviInputs } from "./scvi-core.js";
import type { ScviModuleOptions } from "./scvi-options.js";

/** KL(N(m1, v1) ‖ N(m2, v2)) elementwise, from means and variances. */
export function normalKl(m1: tf.Tensor, v1: tf.Tensor, m2: tf.Tensor | number, v2: tf.Tensor | number): tf.Tensor {
  return tf.tidy(() =>
    tf.mul(0.5, tf.sub(tf.add(tf.log(tf.div(v2, v1)), tf.div(tf.add(v1, tf.square(tf.sub(m1, m2))), v2)), 1)),
  );
}

/**
 * scVI's variational autoencoder as a plain module. `inference` encodes and draws z (and l);
 * `generative` decodes; `loss` is the negative ELBO per cell with analytic KL terms, the KL of
 * z weighted by `klWeight` (the library's KL is not warmed up, as in scvi-tools).
 */
export class VAE extends BaseModuleClass {
  /** The shared networks (the same names as in `SCVIPyroModule`). */
  readonly core: ScviCore;

  constructor(options: ScviModuleOptions) {
    super();
    this.core = this.registerModule("core", new ScviCore(options));
  }

  getInferenceInput(tensors: TensorDict): ModuleOutputs {
    return { inputs: scviInputsFromBatch(tensors) };
  }

  /**
   * Encodes and draws z (and l). `noise` (`[n, nLatent]`, standard normal) fixes the draw, for
   * comparisons; `nSamples > 1` adds a leading sample dimension.
   */
  inference({ inputs, noise, nSamples }: ModuleOutputs): ModuleOutputs {
    const ins = inputs as ScviInputs;
    const enc = this.core.encode(ins);
    const s = (nSamples as number | undefined) ?? 1;
    const shape = s > 1 ? [s, ...enc.qzm.shape] : enc.qzm.shape;
    const eps = (noise as tf.Tensor | undefined) ?? tf.randomNormal(shape, 0, 1, "float32", nextSeed());
    const untransformedZ = tf.add(enc.qzm, tf.mul(tf.sqrt(enc.qzv), eps));
    let library: tf.Tensor;
    if (enc.observedLibrary) {
      library = s > 1 ? tf.broadcastTo(enc.observedLibrary, [s, ...enc.observedLibrary.shape]) : enc.observedLibrary;
    } else {
      const lShape = s > 1 ? [s, ...enc.qlm!.shape] : enc.qlm!.shape;
      library = tf.add(enc.qlm!, tf.mul(tf.sqrt(enc.qlv!), tf.randomNormal(lShape, 0, 1, "float32", nextSeed())));
    }
    return { ...enc, untransformedZ, z: this.core.transformLatent(untransformedZ), library, inputs: ins };
  }

  getGenerativeInput(_tensors: TensorDict, inf: ModuleOutputs): ModuleOutputs {
    return { z: inf.z, library: inf.library, inputs: inf.inputs };
  }

  /** Decodes; `transformBatch` decodes as if every cell came from that batch. */
  generative({ z, library, inputs, transformBatch }: ModuleOutputs): ModuleOutputs {
    const decoding = this.core.decode(z as tf.Tensor, library as tf.Tensor, inputs as ScviInputs, transformBatch as number | undefined);
    return { ...decoding, px: this.core.likelihood(decoding) };
  }

  loss(tensors: TensorDict, inf: ModuleOutputs, gen: ModuleOutputs, { klWeight }: LossKwargs): LossOutput {
    const x = tensors.X!;
    const px = gen.px as import("../../distributions/distribution.js").Distribution;
    const reconstructionLoss = tf.neg(sumRightmost(px.logProb(x), 1));
    const klZ = tf.sum(normalKl(inf.qzm as tf.Tensor, inf.qzv as tf.Tensor, 0, 1), -1);
    let klL: tf.Tensor = tf.zerosLike(klZ);
    if (inf.qlm !== undefined) {
      const prior = this.core.libraryPrior((inf.inputs as ScviInputs).batchIndex);
      klL = tf.sum(normalKl(inf.qlm as tf.Tensor, inf.qlv as tf.Tensor, prior.mean, prior.variance), -1);
    }
    const loss = tf.mean(tf.add(reconstructionLoss, tf.add(tf.mul(klWeight, klZ), klL)));
    return new LossOutput({ loss, reconstructionLoss, klLocal: { klDivergenceZ: klZ, klDivergenceL: klL } });
  }
}
