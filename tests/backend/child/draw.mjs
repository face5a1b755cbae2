/**
 * Child process for tests/backend: starts the backend the way the library does (honouring
 * SCVI_TS_BACKEND), seeds the global stream with argv[2], draws a few tensors with seeds
 * from nextSeed(), and prints one JSON line. Run with `node --import ./register-ts.mjs`.
 */
import * as tf from "@tensorflow/tfjs";
import { getBackend, ready } from "../../../src/backend/select.js";
import { nextSeed, setSeed } from "../../../src/backend/random.js";

const seed = Number(process.argv[2] ?? 0);
const before = getBackend() ?? null;
try {
  const backend = await ready();
  setSeed(seed);
  const normal = tf.randomNormal([64], 0, 1, "float32", nextSeed());
  const uniform = tf.randomUniform([64], 0, 1, "float32", nextSeed());
  const normal2 = tf.randomNormal([64], 0, 1, "float32", nextSeed());
  process.stdout.write(
    `${JSON.stringify({
      before,
      backend,
      getBackend: getBackend(),
      tfBackend: tf.getBackend(),
      normal: Array.from(normal.dataSync()),
      uniform: Array.from(uniform.dataSync()),
      normal2: Array.from(normal2.dataSync()),
      seedAfter: nextSeed(),
    })}\n`,
  );
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(3);
}
