/**
 * `seed`: makes the draws of a function reproducible.
 * @module
 */
import { RandomStream, withRandomStream } from "../../backend/random.js";
import { Messenger } from "../runtime.js";

/** The handler behind {@link seed}: every run restarts the random stream from the seed. */
export class SeedMessenger extends Messenger {
  constructor(private readonly seedValue: number | string) {
    super();
  }

  override run<R>(fn: () => R): R {
    return withRandomStream(new RandomStream(this.seedValue), () => super.run(fn));
  }
}

/**
 * Runs `fn` with its own random stream seeded by `seedValue`: each call makes the same draws.
 *
 * @example
 * ```ts
 * const a = trace(seed(model, 0)).getTrace();
 * const b = trace(seed(model, 0)).getTrace(); // same values as a
 * ```
 */
export function seed<A extends unknown[], R>(fn: (...args: A) => R, seedValue: number | string): (...args: A) => R {
  return (...args: A) => new SeedMessenger(seedValue).run(() => fn(...args));
}
