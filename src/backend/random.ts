/**
 * Seeded randomness. Every random op in scvi-ts draws its seed from the current
 * {@link RandomStream}, so the same seed on the same backend gives bit-identical draws
 * across runs and processes.
 *
 * TensorFlow.js' seeded `tf.randomNormal(shape, mean, std, dtype, seed)` returns the same
 * numbers for the same seed on every call, so each call takes a fresh seed from the stream.
 *
 * @module
 */
import seedrandom from "seedrandom";

/** A reproducible source of seeds and uniform numbers, backed by `seedrandom`'s alea PRNG. */
export class RandomStream {
  private readonly prng: seedrandom.PRNG;

  /** @param seed any integer or string; the same seed gives the same stream. */
  constructor(seed: number | string) {
    this.prng = seedrandom.alea(String(seed));
  }

  /** A uniform draw in [0, 1). */
  uniform(): number {
    return this.prng();
  }

  /** A fresh 31-bit integer seed for a TensorFlow.js random op. */
  nextSeed(): number {
    return this.prng.int32() >>> 1;
  }
}

let current = new RandomStream(Date.now() ^ Math.floor(Math.random() * 0x7fffffff));

/**
 * Re-seeds the global random stream. After `setSeed(n)` every draw of scvi-ts is reproducible.
 *
 * @example
 * ```ts
 * import { setSeed } from "scvi-ts";
 * setSeed(0);
 * ```
 */
export function setSeed(seed: number | string): void {
  current = new RandomStream(seed);
}

/** The random stream random ops draw from now (the global one unless inside {@link withRandomStream}). */
export function currentStream(): RandomStream {
  return current;
}

/** A fresh seed for a TensorFlow.js random op, taken from the current stream. */
export function nextSeed(): number {
  return current.nextSeed();
}

/**
 * Runs `fn` with `stream` as the current random stream, restoring the previous one afterwards,
 * even when `fn` throws. Used by the PPL's `seed` handler.
 */
export function withRandomStream<T>(stream: RandomStream, fn: () => T): T {
  const previous = current;
  current = stream;
  try {
    return fn();
  } finally {
    current = previous;
  }
}
