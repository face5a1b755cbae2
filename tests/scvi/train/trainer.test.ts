import { describe, it, expect, beforeEach } from "vitest";
import * as tf from "@tensorflow/tfjs";
import { setSeed } from "../../../src/backend/random.js";
import { clearParamStore } from "../../../src/ppl/index.js";
import { Trainer } from "../../../src/scvi/train/trainer.js";
import { TrainingPlan } from "../../../src/scvi/train/training-plan.js";
import { PyroTrainingPlan } from "../../../src/scvi/train/pyro-training-plan.js";
import { NonFiniteLossError } from "../../../src/scvi/train/errors.js";
import type { BaseTrainingPlan } from "../../../src/scvi/train/base-plan.js";
import { Adam } from "../../../src/infer/optim/adam.js";
import { ToyFactorVAE, ToyFactorPyro, factorData, batchSource } from "../helpers/toy-modules.js";

const N_GENES = 8;
const N_CELLS = 200;
const data = factorData(N_CELLS, N_GENES, 3);
const trainRows = Array.from({ length: 180 }, (_, i) => i);
const valRows = Array.from({ length: 20 }, (_, i) => 180 + i);
const train = batchSource(data, N_GENES, 32, trainRows);
const validation = batchSource(data, N_GENES, 32, valRows);

function withSizes<P extends BaseTrainingPlan>(plan: P): P {
  plan.nObsTraining = trainRows.length;
  plan.nObsValidation = valRows.length;
  return plan;
}

beforeEach(() => {
  setSeed(11);
  clearParamStore();
});

describe.each([
  ["plain TrainingPlan", () => withSizes(new TrainingPlan(new ToyFactorVAE(N_GENES), { lr: 0.02, nEpochsKlWarmup: null }))],
  ["PyroTrainingPlan", () => withSizes(new PyroTrainingPlan(new ToyFactorPyro(N_GENES), { optim: new Adam({ lr: 0.02 }), nEpochsKlWarmup: null }))],
] as const)("%s + Trainer", (_name, makePlan) => {
  it("lowers the training loss and logs per-cell train and validation metrics", () => {
    const plan = makePlan();
    const trainer = new Trainer({ maxEpochs: 25, enableProgressBar: false, checkValEveryNEpoch: 1 });
    const { history, epochs } = trainer.fit(plan, train, validation);
    expect(epochs).toBe(25);
    const elbo = history.elbo_train!;
    expect(elbo).toHaveLength(25);
    // The ELBO (higher is better) rises; the loss falls.
    expect(elbo[24]!).toBeGreaterThan(elbo[0]! + 2);
    expect(history.train_loss![24]!).toBeLessThan(history.train_loss![0]!);
    for (const key of ["elbo_validation", "reconstruction_loss_validation", "kl_local_validation", "kl_global_validation", "reconstruction_loss_train", "kl_local_train", "kl_weight", "train_loss"]) {
      expect(history[key], key).toHaveLength(25);
      expect(history[key]!.every(Number.isFinite), key).toBe(true);
    }
    const last = 24;
    expect(history.elbo_validation![last]!).toBeCloseTo(
      -(history.reconstruction_loss_validation![last]! + history.kl_local_validation![last]! + history.kl_global_validation![last]! / valRows.length),
      4,
    );
    // Per-cell: the reconstruction of 8 Gaussian genes with unit-ish noise is O(10), not O(nCells).
    expect(Math.abs(history.reconstruction_loss_train![last]!)).toBeLessThan(100);
    plan.module.dispose();
  });

  it("stops early on a plateau (maximising the ELBO by default)", () => {
    const plan = makePlan();
    // No improvement can beat a huge minDelta, so training stops after `patience` checks.
    const trainer = new Trainer({ maxEpochs: 50, enableProgressBar: false, earlyStopping: true, earlyStoppingPatience: 3, earlyStoppingMinDelta: 1e9 });
    const result = trainer.fit(plan, train, validation);
    expect(result.epochs).toBe(4);
    expect(result.stoppedEarly).toMatch(/elbo_validation did not improve in the last 3 checks/);
    expect(result.history.elbo_validation).toHaveLength(4);
    plan.module.dispose();
  });

  it("does not grow live tensors from epoch 2 to epoch 10", () => {
    const plan = makePlan();
    const counts: number[] = [];
    const trainer = new Trainer({
      maxEpochs: 10,
      enableProgressBar: false,
      checkValEveryNEpoch: 1,
      callbacks: [{ onEpochEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    trainer.fit(plan, train, validation);
    expect(counts[9]).toBe(counts[1]);
    plan.module.dispose();
  });
});

describe("KL warm-up", () => {
  it("rises linearly per epoch and warns when it outlasts the run", () => {
    const plan = withSizes(new TrainingPlan(new ToyFactorVAE(N_GENES), { nEpochsKlWarmup: 4 }));
    expect(plan.onTrainStart(3, 6)).toMatch(/KL warm-up lasts 4 epochs but training runs 3/);
    expect(plan.onTrainStart(10, 6)).toBeUndefined();
    const { history } = new Trainer({ maxEpochs: 6, enableProgressBar: false }).fit(plan, train);
    expect(history.kl_weight).toEqual([0, 0.25, 0.5, 0.75, 1, 1]);
    plan.module.dispose();
  });

  it("defaults to 400 epochs, as scvi-tools", () => {
    const plan = new TrainingPlan(new ToyFactorVAE(N_GENES));
    expect(plan.klWarmup.nEpochsKlWarmup).toBe(400);
    plan.currentEpoch = 100;
    expect(plan.klWeight).toBeCloseTo(0.25);
    plan.module.dispose();
  });
});

describe("the NaN guard", () => {
  it("stops with an error naming epoch and step and keeps the last good weights", () => {
    const module = new ToyFactorVAE(N_GENES);
    const plan = withSizes(new TrainingPlan(module, { lr: 0.01 }));
    const poisoned = new Float32Array(data);
    poisoned[40 * N_GENES] = Number.NaN; // row 40: the second minibatch of epoch 0 (batch size 32)
    let before: Float32Array | undefined;
    const probe = {
      [Symbol.iterator]: function* () {
        let i = 0;
        for (const b of batchSource(poisoned, N_GENES, 32, trainRows)) {
          if (i === 1) before = (module.decoder.net.weight.dataSync() as Float32Array).slice();
          i++;
          yield b;
        }
      },
    };
    let error: unknown;
    try {
      new Trainer({ maxEpochs: 3, enableProgressBar: false }).fit(plan, probe);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(NonFiniteLossError);
    expect((error as Error).message).toMatch(/epoch 0, step 1/);
    expect(Array.from(module.decoder.net.weight.dataSync())).toEqual(Array.from(before!));
    module.dispose();
  });

  it("stops a Pyro module too, naming epoch and step, with its weights unchanged", () => {
    const module = new ToyFactorPyro(N_GENES);
    const plan = withSizes(new PyroTrainingPlan(module, { optim: new Adam({ lr: 0.01 }) }));
    const poisoned = new Float32Array(data);
    poisoned[70 * N_GENES + 3] = Number.NaN; // row 70: the third minibatch of epoch 0; NaN flows through the encoder into z
    let before: Float32Array | undefined;
    const probe = {
      [Symbol.iterator]: function* () {
        let i = 0;
        for (const b of batchSource(poisoned, N_GENES, 32, trainRows)) {
          if (i === 2) before = (module.decoder.net.weight.dataSync() as Float32Array).slice();
          i++;
          yield b;
        }
      },
    };
    expect(() => new Trainer({ maxEpochs: 2, enableProgressBar: false }).fit(plan, probe)).toThrow(/epoch 0, step 2.*guide site 'z'/s);
    expect(Array.from(module.decoder.net.weight.dataSync())).toEqual(Array.from(before!));
    module.dispose();
  });
});

describe("EarlyStopping", () => {
  it("maximises ELBO metrics and minimises losses by default, with patience counted in checks", async () => {
    const { EarlyStopping } = await import("../../../src/scvi/train/callbacks.js");
    const onElbo = new EarlyStopping({ patience: 2 });
    onElbo.onTrainStart();
    const seq = [-10, -9, -9.5, -9.2];
    const results = seq.map((v, epoch) => onElbo.onEpochEnd({ epoch, metrics: { elbo_validation: v }, history: {} }));
    expect(onElbo.mode).toBe("max");
    expect(results).toEqual([undefined, undefined, undefined, "stop"]);
    expect(onElbo.best).toBe(-9);
    const onLoss = new EarlyStopping({ monitor: "validation_loss", patience: 1 });
    onLoss.onTrainStart();
    expect(onLoss.mode).toBe("min");
    expect(onLoss.onEpochEnd({ epoch: 0, metrics: { validation_loss: 3 }, history: {} })).toBeUndefined();
    expect(onLoss.onEpochEnd({ epoch: 1, metrics: { validation_loss: 2 }, history: {} })).toBeUndefined();
    expect(onLoss.onEpochEnd({ epoch: 2, metrics: { validation_loss: 2.5 }, history: {} })).toBe("stop");
    expect(onLoss.onEpochEnd({ epoch: 3, metrics: {}, history: {} })).toBeUndefined();
    expect(onLoss.onEpochEnd({ epoch: 4, metrics: { validation_loss: Number.NaN }, history: {} })).toBe("stop");
  });
});
