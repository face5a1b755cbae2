import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { setSeed } from "../../../src/backend/random.js";
import "../../../src/distributions/index.js";
import { TraceMeanFieldELBO } from "../../../src/infer/index.js";
import { substitute, ParamStore, withParamStore } from "../../../src/ppl/index.js";
import { VAE } from "../../../src/scvi/module/vae.js";
import { SCVIPyroModule } from "../../../src/scvi/module/scvi-pyro.js";
import type { ScviModuleOptions } from "../../../src/scvi/module/scvi-options.js";
import { scviInputsFromBatch } from "../../../src/scvi/module/scvi-core.js";
import { syntheticCounts } from "../helpers/synthetic-counts.js";

const { adata, batches } = syntheticCounts({ nCells: 64, nGenes: 30, seed: 4 });
const x = (adata.X as unknown as { data: Float32Array }).data;

function batchTensors(): Record<string, tf.Tensor> {
  return {
    X: tf.tensor2d(x, [64, 30]),
    batch: tf.tensor2d(Float32Array.from(batches), [64, 1]),
    labels: tf.tensor2d(Float32Array.from(batches), [64, 1]),
  };
}

beforeEach(() => setSeed(3));

const variants: [string, Partial<ScviModuleOptions>][] = [
  ["zinb, gene dispersion, observed library", {}],
  ["nb, gene-batch dispersion", { geneLikelihood: "nb", dispersion: "gene-batch" }],
  ["poisson", { geneLikelihood: "poisson" }],
  ["learned library, gene-label dispersion", { useObservedLibSize: false, libraryLogMeans: [7.2, 7.3], libraryLogVars: [0.1, 0.12], dispersion: "gene-label" }],
  ["logistic-normal latent, gene-cell dispersion", { latentDistribution: "ln", dispersion: "gene-cell" }],
];

describe("scVI on both module paths", () => {
  it.each(variants)("gives the same loss with the same weights and noise (%s)", (_name, extra) => {
    const options: ScviModuleOptions = { nInput: 30, nBatch: 2, nLabels: 2, nHidden: 16, nLatent: 4, ...extra };
    const vae = new VAE(options);
    const pyro = new SCVIPyroModule(options);
    pyro.loadStateDict(vae.stateDict());
    for (const training of [false, true]) {
      // Train mode with dropout 0 compares BatchNorm's batch statistics too.
      vae.train(training);
      pyro.train(training);
      const t = batchTensors();
      const { plain, ppl } = tf.tidy(() => {
        const inputs = scviInputsFromBatch(t);
        const eps = tf.randomNormal([64, 4], 0, 1, "float32", 11);
        const epsL = tf.randomNormal([64, 1], 0, 1, "float32", 12);
        const setDropout = (rate: number) => {
          for (const [, m] of [...vae.namedModules(), ...pyro.namedModules()]) if ("p" in m) (m as unknown as { p: number }).p = rate;
        };
        setDropout(0);
        const enc = vae.core.encode(inputs);
        const zu = tf.add(enc.qzm, tf.mul(tf.sqrt(enc.qzv), eps));
        const library = enc.qlm ? tf.add(enc.qlm, tf.mul(tf.sqrt(enc.qlv!), epsL)) : enc.observedLibrary!;
        const inf = { ...enc, untransformedZ: zu, z: vae.core.transformLatent(zu), library, inputs };
        const gen = vae.generative(vae.getGenerativeInput(t, inf));
        const plainLoss = vae.loss(t, inf, gen, { klWeight: 1 }).loss.mul(64);
        pyro.nObs = 64;
        const store = new ParamStore();
        const values: Record<string, tf.Tensor> = { z: zu, ...(enc.qlm ? { library } : {}) };
        const pplLoss = withParamStore(store, () =>
          new TraceMeanFieldELBO().differentiableLoss(
            (i: typeof inputs) => pyro.model(i),
            substitute((i: typeof inputs) => pyro.guide(i), values),
            inputs,
          ),
        );
        return { plain: plainLoss.dataSync()[0]!, ppl: pplLoss.dataSync()[0]! };
      });
      tf.dispose(Object.values(t));
      expect(Number.isFinite(plain)).toBe(true);
      expect(Math.abs(ppl - plain) / Math.abs(plain)).toBeLessThan(1e-5);
    }
    vae.dispose();
    pyro.dispose();
  });
});
