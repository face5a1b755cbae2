/**
 * `scvi-ts` usage: help texts, exit code 2 for command-line mistakes with one line naming
 * the culprit, exit code 1 with one line for a missing input file, and the stack trace only
 * with --verbose. The real executable runs in child processes for the main cases; the many
 * usage errors run through the same `runCli` in-process (each child costs a Node start-up).
 */
import { describe, expect, it } from "vitest";
import { errorLines, runCliChild, runInProcess, tempDir } from "./cli-child.js";

const cwd = tempDir("usage");

describe("scvi-ts help", () => {
  it("prints top-level and per-command help with exit code 0", async () => {
    const [top, train, latent, de, bare] = await Promise.all([
      runCliChild(["--help"], cwd),
      runInProcess(["train", "--help"]),
      runInProcess(["latent", "-h"]),
      runInProcess(["de", "--help"]),
      runInProcess([]),
    ]);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: scvi-ts <command>/);
    for (const c of ["train", "latent", "de"]) expect(top.stdout).toMatch(new RegExp(`^  ${c} `, "m"));

    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/^Usage: scvi-ts train <in\.h5ad> --out <DIR> \[options\]/);
    for (const flag of ["--layer", "--batch-key", "--labels-key", "--max-epochs", "--batch-size", "--lr", "--n-latent", "--likelihood", "--seed", "--early-stopping", "--module-type", "--verbose", "--help"]) {
      expect(train.stdout).toContain(flag);
    }
    expect(train.stdout).toContain("one of zinb, nb, poisson");
    expect(train.stdout).toContain("loss.svg");

    expect(latent.code).toBe(0);
    expect(latent.stdout).toMatch(/^Usage: scvi-ts latent <model-dir> <in\.h5ad> --out <FILE>/);
    expect(de.code).toBe(0);
    expect(de.stdout).toMatch(/^Usage: scvi-ts de <model-dir> <in\.h5ad> --groupby <KEY> --group1 <GROUP> --out <FILE>/);
    expect(de.stdout).toContain("--group2");

    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: scvi-ts <command>/);
  });
});

describe("scvi-ts usage errors (exit code 2)", () => {
  const cases: [string, string[], RegExp][] = [
    ["unknown command", ["frob"], /^scvi-ts: unknown command 'frob' \(commands: train, latent, de; see scvi-ts --help\)$/],
    ["unknown flag", ["train", "in.h5ad", "--out", "d", "--bogus"], /^scvi-ts train: unknown option '--bogus' \(see scvi-ts train --help\)$/],
    ["missing argument", ["train", "--out", "d"], /^scvi-ts train: missing argument <in\.h5ad>/],
    ["missing arguments", ["latent", "--out", "x.csv"], /^scvi-ts latent: missing arguments <model-dir> <in\.h5ad>/],
    ["missing required option", ["train", "in.h5ad"], /^scvi-ts train: missing required option --out <DIR>/],
    ["option without its value", ["train", "in.h5ad", "--out"], /^scvi-ts train: option --out needs a value/],
    ["value that looks like a flag", ["train", "in.h5ad", "--out", "d", "--lr", "-1"], /option --lr needs a value \(for a value starting with '-', write --lr=VALUE\)/],
    ["bad integer", ["train", "in.h5ad", "--out", "d", "--max-epochs", "abc"], /^scvi-ts train: --max-epochs must be a positive integer, got 'abc'/],
    ["zero epochs", ["train", "in.h5ad", "--out", "d", "--max-epochs", "0"], /--max-epochs must be a positive integer, got '0'/],
    ["fractional integer", ["train", "in.h5ad", "--out", "d", "--n-latent", "2.5"], /--n-latent must be a positive integer, got '2\.5'/],
    ["negative learning rate", ["train", "in.h5ad", "--out", "d", "--lr=-1"], /--lr must be a positive number, got '-1'/],
    ["bad choice", ["train", "in.h5ad", "--out", "d", "--likelihood", "gamma"], /--likelihood must be one of zinb, nb, poisson, got 'gamma'/],
    ["bad module type", ["train", "in.h5ad", "--out", "d", "--module-type", "torch"], /--module-type must be one of pyro, vae, got 'torch'/],
    ["flag given a value", ["train", "in.h5ad", "--out", "d", "--early-stopping=yes"], /option --early-stopping is a flag and takes no value/],
    ["extra argument", ["train", "a.h5ad", "b.h5ad", "--out", "d"], /unexpected argument 'b\.h5ad'/],
    ["latent output type", ["latent", "m", "in.h5ad", "--out", "latent.txt"], /--out must end in \.csv or \.h5ad, got 'latent\.txt'/],
    ["de fdr target", ["de", "m", "in.h5ad", "--groupby", "g", "--group1", "a", "--out", "de.csv", "--fdr-target", "2"], /--fdr-target must be below 1/],
  ];

  it("from the executable: exit code 2 and one line on stderr", async () => {
    const r = await runCliChild(["train", "in.h5ad", "--out", "d", "--bogus"], cwd);
    expect(r.code).toBe(2);
    expect(errorLines(r.stderr)).toEqual(["scvi-ts train: unknown option '--bogus' (see scvi-ts train --help)"]);
    expect(r.stdout).toBe("");
  });

  it.each(cases)("%s", async (_name, args, message) => {
    const r = await runInProcess(args);
    expect(r.code).toBe(2);
    const lines = errorLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
    expect(r.stdout).toBe("");
  });
});

describe("scvi-ts failures (exit code 1)", () => {
  it("names a missing input file in one line, with the stack trace only under --verbose", async () => {
    const [plain, verbose, latent] = await Promise.all([
      runCliChild(["train", "missing.h5ad", "--out", "d"], cwd),
      runCliChild(["train", "missing.h5ad", "--out", "d", "--verbose"], cwd),
      runInProcess(["latent", "model", "missing.h5ad", "--out", "z.csv"]),
    ]);
    expect(plain.code).toBe(1);
    expect(errorLines(plain.stderr)).toEqual(["scvi-ts train: error: input file 'missing.h5ad' does not exist"]);
    expect(verbose.code).toBe(1);
    expect(errorLines(verbose.stderr)[0]).toBe("scvi-ts train: error: input file 'missing.h5ad' does not exist");
    expect(verbose.stderr).toMatch(/\n\s+at .*readInput/);
    expect(latent.code).toBe(1);
    expect(errorLines(latent.stderr)).toEqual(["scvi-ts latent: error: input file 'missing.h5ad' does not exist"]);
  });
});
