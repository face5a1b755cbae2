/**
 * Times one bench case in the current process (the backend is already started).
 * See bench/README.md for the case contract.
 */
import * as tf from "@tensorflow/tfjs";

/** Collects every tf.Tensor in a value returned by a case's run(): a tensor, array or object. */
function tensorsIn(value, out = []) {
  if (value instanceof tf.Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) tensorsIn(v, out);
  else if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    for (const v of Object.values(value)) tensorsIn(v, out);
  }
  return out;
}

/** One iteration: run, wait for every returned tensor's data, dispose what the call created. */
async function iterate(run) {
  const result = await run();
  const tensors = tensorsIn(result);
  await Promise.all(tensors.map((t) => t.data()));
  tf.dispose(tensors);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Warms up, then repeats `instance.run` until `minTimeMs` has passed and at least `minIters`
 * iterations ran (at most `maxIters`). Returns the timing fields of the case's JSON line.
 */
export async function measure(instance, { minTimeMs, minIters, maxIters, warmupIters }) {
  for (let i = 0; i < warmupIters; i++) await iterate(instance.run);
  const before = tf.memory().numTensors;
  const times = [];
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  while (times.length < maxIters && (times.length < minIters || performance.now() - start < minTimeMs)) {
    const t0 = performance.now();
    await iterate(instance.run);
    times.push(performance.now() - t0);
  }
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  const round = (x) => Math.round(x * 1000) / 1000;
  return {
    ms_per_iter: round(wall / times.length),
    median_ms: round(median(times)),
    min_ms: round(Math.min(...times)),
    cpu_ms_per_iter: round((cpu.user + cpu.system) / 1000 / times.length),
    iters: times.length,
    leaked_tensors: tf.memory().numTensors - before,
  };
}
