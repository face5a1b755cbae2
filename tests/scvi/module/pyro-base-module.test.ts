import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { setSeed } from "../../../src/backend/random.js";
import { ParamStore, withParamStore } from "../../../src/ppl/index.js";
import { ToyFactorPyro, factorData } from "../helpers/toy-modules.js";

describe("PyroBaseModuleClass", () => {
  it("createPredictive draws posterior (default guide) and prior (guide: null) predictive samples of every site", () => {
    setSeed(5);
    const module = new ToyFactorPyro(8);
    const x = tf.tensor2d(factorData(20, 8, 1), [20, 8]);
    withParamStore(new ParamStore(), () => {
      tf.tidy(() => {
        const post = module.createPredictive({ numSamples: 4 }).get(...module.getFnArgsFromBatch({ X: x }));
        expect(post.z!.shape).toEqual([4, 20, 2]);
        expect(post.x!.shape).toEqual([4, 20, 8]);
        // Prior draws of z have the prior's spread; posterior draws average to the encoder's mean.
        const prior = module.createPredictive({ numSamples: 200, guide: null }).get(x);
        const sd = tf.moments(prior.z!).variance.sqrt().dataSync()[0]!;
        expect(sd).toBeGreaterThan(0.9);
        expect(sd).toBeLessThan(1.1);
        const { qzm } = module.encoder.forward(x);
        const postMean = tf.mean(module.createPredictive({ numSamples: 300 }).get(x).z!, 0);
        expect(tf.max(tf.abs(tf.sub(postMean, qzm))).dataSync()[0]).toBeLessThan(0.3);
      });
    });
    x.dispose();
    module.dispose();
  });

  it("listObsPlateVars names the cell plate and its local latents", () => {
    const module = new ToyFactorPyro(8);
    const x = tf.tensor2d(factorData(10, 8, 2), [10, 8]);
    const vars = withParamStore(new ParamStore(), () => module.listObsPlateVars({ X: x }));
    expect(vars).toEqual({ name: "obs", in: ["z"], sites: { z: [2] } });
    x.dispose();
    module.dispose();
  });
});
