/**
 * `SCVIPyroModule`: scVI written in the PPL as model and guide functions (the
 * `PyroBaseModuleClass` path), with the same networks as the plain `VAE`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Normal } from "../../distributions/normal.js";
import { module as registerModule, plate, sample } from "../../ppl/index.js";
import { PyroBaseModuleClass } from "./base/pyro-base-module.js";
import type { TensorDict } from "./base/base-module.js";
import { observedLogLibrary, ScviCore, scviInputsFromBatch, type ScviInputs } from "./scvi-core.js";
import type { ScviModuleOptions } from "./scvi-options.js";

/**
 * scVI as a generative program: in a plate of cells, z ~ Normal(0, I) (softmax-transformed
 * for "ln"), the library observed or l ~ LogNormal prior of the cell's batch, and counts
 * x ~ ZINB/NB/Poisson(decoder(z, l, batch)). The guide is the encoder: q(z | x) =
 * Normal(μ, σ) with σ² = exp(·) + 1e-4, and q(l | x) when the library is learned.
 *
 * The cell plate's full size is `nObs` (set by the training plan), so the loss is the
 * negative ELBO of the whole dataset estimated from the minibatch.
 */
export class SCVIPyroModule extends PyroBaseModuleClass<[ScviInputs]> {
  /** The shared networks (the same names as in `VAE`). */
  readonly core: ScviCore;

  constructor(options: ScviModuleOptions) {
    super();
    this.core = this.registerModule("core", new ScviCore(options));
  }

  getFnArgsFromBatch(tensors: TensorDict): [ScviInputs] {
    return [scviInputsFromBatch(tensors)];
  }

  model(inputs: ScviInputs): void {
    registerModule("scvi", this);
    const n = inputs.x.shape[0]!;
    const nLatent = this.core.options.nLatent;
    plate(
      this.obsPlateName,
      this.nObs ?? n,
      () => {
        const z = sample("z", new Normal(tf.zeros([n, nLatent]), 1, { validateArgs: false }).toEvent(1));
        let library: tf.Tensor;
        if (this.core.options.useObservedLibSize) {
          library = observedLogLibrary(inputs.x);
        } else {
          const prior = this.core.libraryPrior(inputs.batchIndex);
          library = sample("library", new Normal(prior.mean, tf.sqrt(prior.variance), { validateArgs: false }).toEvent(1));
        }
        const decoding = this.core.decode(this.core.transformLatent(z), library, inputs);
        sample("x", this.core.likelihood(decoding).toEvent(1), { obs: inputs.x });
      },
      { subsampleSize: n },
    );
  }

  guide(inputs: ScviInputs): void {
    registerModule("scvi", this);
    const n = inputs.x.shape[0]!;
    plate(
      this.obsPlateName,
      this.nObs ?? n,
      () => {
        const enc = this.core.encode(inputs);
        sample("z", new Normal(enc.qzm, tf.sqrt(enc.qzv), { validateArgs: false }).toEvent(1));
        if (!this.core.options.useObservedLibSize) {
          sample("library", new Normal(enc.qlm!, tf.sqrt(enc.qlv!), { validateArgs: false }).toEvent(1));
        }
      },
      { subsampleSize: n },
    );
  }
}
