/**
 * `scvi-ts latent`: the latent representation of cells under a saved model, as CSV or as an
 * `.h5ad` file with `obsm['X_scVI']`.
 *
 * @module
 */
import { CliError, UsageError } from "../errors.js";
import { matrixCsv, readInput, startBackend, type CliIo } from "../io.js";
import { intOption, stringOption, type CommandSpec, type ParsedArgs } from "../options.js";
import { writeFile } from "node:fs/promises";

/** The options of `scvi-ts latent`. */
export const latentSpec: CommandSpec = {
  name: "latent",
  summary: "Write the latent representation (posterior mean) of the cells of an .h5ad file under a saved model.",
  positionals: [
    { name: "model-dir", description: "A model directory written by 'scvi-ts train' (or SCVI.save)." },
    { name: "in.h5ad", description: "Cells to embed: the model's genes in the model's order, and its obs keys." },
  ],
  options: {
    out: { type: "string", short: "o", valueName: "FILE", required: true, description: "Output: .csv (cell, latent_0, ...) or .h5ad (the input with obsm['X_scVI'])." },
    "batch-size": { type: "string", valueName: "N", description: "Cells per minibatch.", defaultText: "128" },
  },
};

/** Runs `scvi-ts latent` on parsed arguments. */
export async function runLatent(args: ParsedArgs, io: CliIo): Promise<void> {
  const modelDir = args.positionals["model-dir"]!;
  const input = args.positionals["in.h5ad"]!;
  const out = stringOption(args, "out")!;
  const batchSize = intOption(args, "batch-size", { min: 1 });
  const kind = out.toLowerCase().endsWith(".csv") ? "csv" : out.toLowerCase().endsWith(".h5ad") ? "h5ad" : undefined;
  if (!kind) throw new UsageError(`--out must end in .csv or .h5ad, got '${out}'`);
  await startBackend();
  const adata = await readInput(input);
  const [{ SCVI }, { DenseMatrix }, { writeH5ad }] = await Promise.all([
    import("../../scvi/model/scvi.js"),
    import("../../scvi/data/matrix/dense-matrix.js"),
    import("../../scvi/data/h5/write-h5ad.js"),
  ]);
  const model = await SCVI.load(modelDir, { adata });
  const latent = model.getLatentRepresentation({ batchSize });
  if (kind === "csv") {
    await writeFile(out, matrixCsv(adata.obsNames, latent.shape, latent.data, "latent_"));
  } else {
    adata.obsm.set("X_scVI", new DenseMatrix(latent.shape, latent.data));
    try {
      await writeH5ad(adata, out);
    } catch (err) {
      throw new CliError(`cannot write '${out}': ${(err as Error).message}`);
    }
  }
  io.out(`Wrote the ${latent.shape[1]}-dimensional latent space of ${latent.shape[0]} cells to ${out}\n`);
}
