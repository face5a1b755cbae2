/**
 * A seeded Fisher–Yates shuffle on the project's random stream.
 *
 * @module
 */
import type { RandomStream } from "../../../backend/random.js";

/** Shuffles `a` in place with uniforms from `stream`; returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(a: T, stream: RandomStream): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(stream.uniform() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
