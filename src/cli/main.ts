#!/usr/bin/env node
/**
 * The `scvi-ts` executable (package.json `bin`): runs {@link runCli} on the process' arguments
 * and exits with its code.
 *
 * @module
 */
import { runCli } from "./run.js";

const code = await runCli(process.argv.slice(2));
// Training leaves no handle open, but a backend might: exit once the output is flushed.
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
