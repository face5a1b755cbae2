/**
 * KL divergences of the wrapper distributions: `Independent`, `ExpandedDistribution`,
 * `MaskedDistribution` (as Pyro's kl.py), recursing into the wrapped distributions.
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { broadcastShapes, broadcastTo, sumRightmost } from "../../backend/tensor.js";
import { Distribution } from "../distribution.js";
import { ExpandedDistribution } from "../expanded.js";
import { Independent } from "../independent.js";
import { MaskedDistribution } from "../masked.js";
import { klDivergence, registerKL } from "./registry.js";

/** Unwraps `n` reinterpreted dims of an `Independent` (returning the base when none remain). */
function keep(d: Independent, n: number): Distribution {
  return n === 0 ? d.base : new Independent(d.base, n);
}

// Independent‖Independent: recurse on the bases over the shared reinterpreted dims and sum
// them; extra reinterpreted dims on one side stay on that side.
registerKL(Independent, Independent, (p, q) => {
  const shared = Math.min(p.reinterpretedBatchNdims, q.reinterpretedBatchNdims);
  const inner = klDivergence(keep(p, p.reinterpretedBatchNdims - shared), keep(q, q.reinterpretedBatchNdims - shared));
  return sumRightmost(inner, shared);
});

// Independent‖other and other‖Independent: the other side's batch holds the reinterpreted dims
// as independent factors, so the KL is the elementwise one summed over them.
registerKL(Independent, Distribution, (p, q) => sumRightmost(klDivergence(p.base, q), p.reinterpretedBatchNdims));
registerKL(Distribution, Independent, (p, q) => sumRightmost(klDivergence(p, q.base), q.reinterpretedBatchNdims));

function toBatch(kl: tf.Tensor, p: Distribution, q: Distribution): tf.Tensor {
  return broadcastTo(kl, broadcastShapes([kl.shape, p.batchShape, q.batchShape], "klDivergence"));
}

// A broadcast distribution has the KL of what it broadcasts, broadcast.
registerKL(ExpandedDistribution, ExpandedDistribution, (p, q) => toBatch(klDivergence(p.base, q.base), p, q));
registerKL(ExpandedDistribution, Distribution, (p, q) => toBatch(klDivergence(p.base, q), p, q));
registerKL(Distribution, ExpandedDistribution, (p, q) => toBatch(klDivergence(p, q.base), p, q));

// Masked‖Masked: the KL of the bases where both masks are true, 0 elsewhere.
registerKL(MaskedDistribution, MaskedDistribution, (p, q) => {
  const a = p.maskValue;
  const b = q.maskValue;
  if (a === false || b === false) return tf.zeros(broadcastShapes([p.batchShape, q.batchShape], "klDivergence"));
  const kl = toBatch(klDivergence(p.base, q.base), p, q);
  if (a === true && b === true) return kl;
  const mask = a === true ? (b as tf.Tensor) : b === true ? a : tf.logicalAnd(a, b);
  const shape = broadcastShapes([kl.shape, mask.shape], "klDivergence");
  const full = broadcastTo(kl, shape);
  return tf.where(broadcastTo(mask, shape), full, tf.zerosLike(full));
});
