/**
 * The architecture options of scVI (scvi-tools' `VAE` defaults), shared by the plain `VAE`
 * module and the PPL `SCVIPyroModule`.
 *
 * @module
 */
import type { Dispersion } from "../nn/decoder-scvi.js";

/** The count likelihood. */
export type GeneLikelihood = "zinb" | "nb" | "poisson";
/** The latent distribution: Normal, or logistic-normal (softmax of a Normal). */
export type LatentDistribution = "normal" | "ln";

/** Options of the scVI modules. */
export interface ScviModuleOptions {
  /** Genes. */
  nInput: number;
  /** Batches (0 or 1: no batch covariate). */
  nBatch?: number;
  /** Labels (for `gene-label` dispersion). */
  nLabels?: number;
  /** Hidden units per layer (default 128). */
  nHidden?: number;
  /** Latent dimension (default 10). */
  nLatent?: number;
  /** Hidden layers of encoder and decoder (default 1). */
  nLayers?: number;
  /** Dropout of the encoder (default 0.1). */
  dropoutRate?: number;
  /** Dispersion of the NB/ZINB: per gene (default), per gene and batch/label, or per cell. */
  dispersion?: Dispersion;
  /** The count likelihood (default `zinb`). */
  geneLikelihood?: GeneLikelihood;
  /** The latent distribution (default `normal`). */
  latentDistribution?: LatentDistribution;
  /** Use the observed log library size (default true) instead of a latent one. */
  useObservedLibSize?: boolean;
  /** Per-batch means of the log library size (required when the library is learned), `[nBatch]`. */
  libraryLogMeans?: readonly number[];
  /** Per-batch variances of the log library size, `[nBatch]`. */
  libraryLogVars?: readonly number[];
  /** Category counts of extra categorical covariates (injected into the decoder). */
  nCatsPerCov?: readonly number[];
  /** Number of continuous covariates (concatenated to the decoder input). */
  nContinuousCov?: number;
  /** Whether the encoder also sees the covariates (default false, as scvi-tools). */
  encodeCovariates?: boolean;
  /** Size factors given in the data (`sizeFactorKey`): softplus scale activation, as scvi-tools. */
  useSizeFactorKey?: boolean;
}

/** The options with every default filled in. */
export type ResolvedScviOptions = Required<Omit<ScviModuleOptions, "libraryLogMeans" | "libraryLogVars">> & {
  /** Per-batch means of the log library size (learned library only). */
  libraryLogMeans: readonly number[] | undefined;
  /** Per-batch variances of the log library size (learned library only). */
  libraryLogVars: readonly number[] | undefined;
};

const DISPERSIONS: readonly Dispersion[] = ["gene", "gene-batch", "gene-label", "gene-cell"];
const LIKELIHOODS: readonly GeneLikelihood[] = ["zinb", "nb", "poisson"];

/** Fills defaults and checks the options, naming the bad one. */
export function resolveScviOptions(options: ScviModuleOptions): ResolvedScviOptions {
  const o: ResolvedScviOptions = {
    nInput: options.nInput,
    nBatch: options.nBatch ?? 0,
    nLabels: options.nLabels ?? 0,
    nHidden: options.nHidden ?? 128,
    nLatent: options.nLatent ?? 10,
    nLayers: options.nLayers ?? 1,
    dropoutRate: options.dropoutRate ?? 0.1,
    dispersion: options.dispersion ?? "gene",
    geneLikelihood: options.geneLikelihood ?? "zinb",
    latentDistribution: options.latentDistribution ?? "normal",
    useObservedLibSize: options.useObservedLibSize ?? true,
    libraryLogMeans: options.libraryLogMeans,
    libraryLogVars: options.libraryLogVars,
    nCatsPerCov: options.nCatsPerCov ?? [],
    nContinuousCov: options.nContinuousCov ?? 0,
    encodeCovariates: options.encodeCovariates ?? false,
    useSizeFactorKey: options.useSizeFactorKey ?? false,
  };
  for (const key of ["nInput", "nHidden", "nLatent", "nLayers"] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`scVI: ${key} must be a positive integer, got ${o[key]}`);
  }
  if (!DISPERSIONS.includes(o.dispersion)) throw new Error(`scVI: dispersion must be one of ${DISPERSIONS.join(", ")}, got "${o.dispersion}"`);
  if (!LIKELIHOODS.includes(o.geneLikelihood)) throw new Error(`scVI: geneLikelihood must be one of ${LIKELIHOODS.join(", ")}, got "${o.geneLikelihood}"`);
  if (o.latentDistribution !== "normal" && o.latentDistribution !== "ln") {
    throw new Error(`scVI: latentDistribution must be "normal" or "ln", got "${String(o.latentDistribution)}"`);
  }
  if (!(o.dropoutRate >= 0 && o.dropoutRate < 1)) throw new Error(`scVI: dropoutRate must be in [0, 1), got ${o.dropoutRate}`);
  if (o.dispersion === "gene-batch" && o.nBatch < 1) throw new Error(`scVI: dispersion "gene-batch" needs nBatch >= 1`);
  if (o.dispersion === "gene-label" && o.nLabels < 1) throw new Error(`scVI: dispersion "gene-label" needs nLabels >= 1`);
  if (!o.useObservedLibSize) {
    const nb = Math.max(1, o.nBatch);
    if (o.libraryLogMeans?.length !== nb || o.libraryLogVars?.length !== nb) {
      throw new Error(`scVI: a learned library size needs libraryLogMeans and libraryLogVars with one value per batch (${nb})`);
    }
  }
  return o;
}
