/**
 * The KL-divergence registry: `klDivergence(p, q)` dispatches on the classes of `p` and `q` to
 * a function registered with `registerKL(P, Q, fn)` (torch.distributions' `register_kl`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distribution } from "../distribution.js";

/** A distribution class, abstract or concrete (matched with `instanceof`). */
export interface DistributionClass<D extends Distribution = Distribution> {
  /** The class' prototype (what `instanceof` checks). */
  readonly prototype: D;
  /** The class' name, for messages. */
  readonly name: string;
}

/** Computes `KL(p ‖ q)`, of the broadcast batch shape of `p` and `q`. */
export type KLFunction<P extends Distribution = Distribution, Q extends Distribution = Distribution> = (p: P, q: Q) => tf.Tensor;

interface Entry {
  p: DistributionClass;
  q: DistributionClass;
  fn: KLFunction;
}

const entries: Entry[] = [];
const cache = new Map<object, Map<object, Entry | null>>();

/**
 * Registers `fn` as `KL(p ‖ q)` for `p` an instance of `P` and `q` of `Q` (subclasses
 * included). Registering the same pair again replaces the function. When several
 * registrations match, the most specific wins: the one whose classes are fewest inheritance
 * steps from `p`'s and `q`'s (ties go to the more specific `P`).
 *
 * @example
 * ```ts
 * registerKL(MyDist, Normal, (p, q) => ...);
 * ```
 */
export function registerKL<P extends Distribution, Q extends Distribution>(
  P: DistributionClass<P>,
  Q: DistributionClass<Q>,
  fn: KLFunction<P, Q>,
): void {
  const existing = entries.find((e) => e.p === P && e.q === Q);
  if (existing) existing.fn = fn as KLFunction;
  else entries.push({ p: P, q: Q, fn: fn as KLFunction });
  cache.clear();
}

/** Steps from `obj`'s class up to `cls` along the prototype chain, or -1 when not an instance. */
function distance(obj: Distribution, cls: DistributionClass): number {
  let steps = 0;
  for (let proto = Object.getPrototypeOf(obj) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if (proto === cls.prototype) return steps;
    steps++;
  }
  return -1;
}

function lookup(p: Distribution, q: Distribution): Entry | null {
  const pc = Object.getPrototypeOf(p) as object;
  const qc = Object.getPrototypeOf(q) as object;
  const row = cache.get(pc) ?? new Map<object, Entry | null>();
  cache.set(pc, row);
  if (row.has(qc)) return row.get(qc)!;
  let best: Entry | null = null;
  let bestKey: [number, number] = [Infinity, Infinity];
  for (const e of entries) {
    const dp = distance(p, e.p);
    const dq = distance(q, e.q);
    if (dp < 0 || dq < 0) continue;
    const key: [number, number] = [dp + dq, dp];
    if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
      best = e;
      bestKey = key;
    }
  }
  row.set(qc, best);
  return best;
}

/**
 * `KL(p ‖ q) = E_p[log p(x) - log q(x)]` in closed form, of the broadcast batch shape of `p`
 * and `q`. Throws, listing the registered pairs, when no function is registered for the
 * classes of `p` and `q`.
 *
 * @example
 * ```ts
 * klDivergence(new Normal(0, 1), new Normal(1, 2)); // 0.4431...
 * ```
 */
export function klDivergence(p: Distribution, q: Distribution): tf.Tensor {
  const entry = lookup(p, q);
  if (!entry) {
    const pairs = registeredKLPairs()
      .map(([a, b]) => `${a}‖${b}`)
      .join(", ");
    throw new Error(
      `klDivergence: no KL divergence is registered for (${p.constructor.name}, ${q.constructor.name}); registered pairs: ${pairs}. Use registerKL to add one.`,
    );
  }
  return tf.tidy(() => entry.fn(p, q));
}

/** The registered `(P, Q)` class-name pairs, in registration order. */
export function registeredKLPairs(): [string, string][] {
  return entries.map((e) => [e.p.name, e.q.name]);
}
