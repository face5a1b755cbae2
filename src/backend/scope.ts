/**
 * `tidyScope`: like `tf.tidy`, but for functions that return plain values (numbers, records,
 * traces' summaries) rather than tensors: every tensor created inside is disposed unless kept.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Runs `fn` in a tfjs scope and disposes every tensor it created (except `tf.keep`ed ones). */
export function tidyScope<T>(fn: () => T): T {
  const engine = tf.engine();
  engine.startScope();
  try {
    return fn();
  } finally {
    engine.endScope();
  }
}
