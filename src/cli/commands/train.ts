/**
 * `scvi-ts train`: trains scVI on an `.h5ad` file and writes the model, the data with the
 * latent space and normalized expression, the history and a loss plot.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import * as path from "node:path";
import { CliError } from "../errors.js";
import { checkCountData, readInput, startBackend, type CliIo } from "../io.js";
import { choiceOption, flagOption, intOption, numberOption, stringOption, type CommandSpec, type ParsedArgs } from "../options.js";

/** The options of `scvi-ts train`. */
export const trainSpec: CommandSpec = {
  name: "train",
  summary: "Train scVI on the counts of an .h5ad file and save the model with its outputs.",
  positionals: [{ name: "in.h5ad", description: "Input AnnData with raw counts in X (or in --layer)." }],
  options: {
    out: { type: "string", short: "o", valueName: "DIR", required: true, description: "Output directory (the saved model and its outputs)." },
    layer: { type: "string", valueName: "LAYER", description: "Layer with the counts instead of X." },
    "batch-key": { type: "string", valueName: "KEY", description: "obs column of batches (the decoder is told the batch)." },
    "labels-key": { type: "string", valueName: "KEY", description: "obs column of cell-type labels." },
    "max-epochs": { type: "string", valueName: "N", description: "Epochs to train.", defaultText: "min(round(20000 / cells × 400), 400)" },
    "batch-size": { type: "string", valueName: "N", description: "Minibatch size.", defaultText: "128" },
    lr: { type: "string", valueName: "X", description: "Adam learning rate.", defaultText: "0.001" },
    "n-latent": { type: "string", valueName: "N", description: "Latent dimensions.", defaultText: "10" },
    "n-hidden": { type: "string", valueName: "N", description: "Hidden units per layer.", defaultText: "128" },
    "n-layers": { type: "string", valueName: "N", description: "Hidden layers.", defaultText: "1" },
    likelihood: { type: "string", valueName: "NAME", choices: ["zinb", "nb", "poisson"], description: "Count likelihood.", defaultText: "zinb" },
    dispersion: { type: "string", valueName: "MODE", choices: ["gene", "gene-batch", "gene-label", "gene-cell"], description: "Dispersion parameter sharing.", defaultText: "gene" },
    "kl-warmup": { type: "string", valueName: "N", description: "Epochs of KL warm-up (0: none).", defaultText: "400, scvi-tools' value" },
    seed: { type: "string", valueName: "N", description: "Random seed (weights, data split, training).", defaultText: "0" },
    "early-stopping": { type: "boolean", description: "Stop when the validation ELBO stops improving (patience 45)." },
    "module-type": { type: "string", valueName: "TYPE", choices: ["pyro", "vae"], description: "Model/guide functions (pyro) or the plain module (vae).", defaultText: "pyro" },
    "allow-non-integer": { type: "boolean", description: "Train even if the counts are not integers." },
    overwrite: { type: "boolean", description: "Replace the output directory if it exists." },
    quiet: { type: "boolean", short: "q", description: "No progress display." },
  },
  details: `Outputs in DIR:
  model.json, weights.bin  the model (load it with SCVI.load(DIR) or 'scvi-ts latent DIR ...')
  adata.h5ad               the input with obsm['X_scVI'] (latent mean) and layers['scvi_normalized']
  history.csv              metrics per epoch (elbo_train, elbo_validation, ...)
  loss.svg                 train and validation ELBO per epoch

Example:
  scvi-ts train data/pbmc68k_counts.h5ad --out out/pbmc --labels-key bulk_labels --max-epochs 100`,
};

/** Runs `scvi-ts train` on parsed arguments. */
export async function runTrain(args: ParsedArgs, io: CliIo): Promise<void> {
  const spec = trainSpec;
  const input = args.positionals["in.h5ad"]!;
  const out = stringOption(args, "out")!;
  const layer = stringOption(args, "layer");
  const batchKey = stringOption(args, "batch-key");
  const labelsKey = stringOption(args, "labels-key");
  const maxEpochsArg = intOption(args, "max-epochs", { min: 1 });
  const batchSize = intOption(args, "batch-size", { min: 2 });
  const lr = numberOption(args, "lr", { positive: true });
  const nLatent = intOption(args, "n-latent", { min: 1 });
  const nHidden = intOption(args, "n-hidden", { min: 1 });
  const nLayers = intOption(args, "n-layers", { min: 1 });
  const klWarmup = intOption(args, "kl-warmup", { min: 0 });
  const seed = intOption(args, "seed") ?? 0;
  const geneLikelihood = choiceOption<"zinb" | "nb" | "poisson">(spec, args, "likelihood");
  const dispersion = choiceOption<"gene" | "gene-batch" | "gene-label" | "gene-cell">(spec, args, "dispersion");
  const moduleType = choiceOption<"pyro" | "vae">(spec, args, "module-type");
  const overwrite = flagOption(args, "overwrite");
  if (existsSync(out) && !overwrite) throw new CliError(`output directory '${out}' already exists; pass --overwrite to replace it`);

  await startBackend();
  const adata = await readInput(input);
  await checkCountData(adata, layer, flagOption(args, "allow-non-integer"));
  const [{ SCVI }, { defaultMaxEpochs }, { setSeed }, { DenseMatrix }, { historyToCsv }, { lossSvg }] = await Promise.all([
    import("../../scvi/model/scvi.js"),
    import("../../scvi/model/base/base-model.js"),
    import("../../backend/random.js"),
    import("../../scvi/data/matrix/dense-matrix.js"),
    import("../../scvi/train/history.js"),
    import("../../scvi/plot/loss-svg.js"),
  ]);
  SCVI.setupAnndata(adata, { layer: layer ?? null, batchKey: batchKey ?? null, labelsKey: labelsKey ?? null });
  setSeed(seed);
  const model = new SCVI(adata, { nLatent, nHidden, nLayers, geneLikelihood, dispersion, moduleType });
  const maxEpochs = maxEpochsArg ?? defaultMaxEpochs(adata.nObs);
  io.out(`Training scVI on ${adata.nObs} cells × ${adata.nVars} genes for ${maxEpochs} epochs${maxEpochsArg === undefined ? " (scvi-tools' default for this many cells)" : ""}.\n`);
  const fit = await model.train({
    maxEpochs,
    batchSize,
    lr,
    seed,
    earlyStopping: flagOption(args, "early-stopping"),
    checkValEveryNEpoch: 1,
    enableProgressBar: !flagOption(args, "quiet"),
    planOptions: klWarmup === undefined ? {} : { nEpochsKlWarmup: klWarmup },
  });
  io.out(`Trained ${fit.epochs} epochs in ${(fit.secondsPerEpoch * fit.epochs).toFixed(1)} s (${fit.secondsPerEpoch.toFixed(3)} s/epoch)${fit.stoppedEarly ? `; stopped early: ${fit.stoppedEarly}` : ""}.\n`);

  const latent = model.getLatentRepresentation();
  const normalized = model.getNormalizedExpression();
  adata.obsm.set("X_scVI", new DenseMatrix(latent.shape, latent.data));
  adata.layers.set("scvi_normalized", new DenseMatrix(normalized.shape, normalized.data));
  await model.save(out, { overwrite, saveAnndata: true });
  await writeFile(path.join(out, "history.csv"), historyToCsv(model.history));
  await writeFile(path.join(out, "loss.svg"), lossSvg(model.history, { title: `scVI on ${path.basename(input)}: ELBO per cell` }));
  const last = (name: string) => model.history[name]?.filter(Number.isFinite).at(-1);
  const elbo = last("elbo_train");
  const val = last("elbo_validation");
  io.out(
    `Final ELBO per cell: train ${elbo?.toFixed(2) ?? "n/a"}, validation ${val?.toFixed(2) ?? "n/a"}.\n` +
      `Wrote ${out}/: model.json, weights.bin, adata.h5ad (obsm X_scVI, layers scvi_normalized), history.csv, loss.svg\n`,
  );
}
