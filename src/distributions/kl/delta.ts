/**
 * KL divergence of a point mass from any distribution (Pyro's `_kl_delta`).
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { Delta } from "../delta.js";
import { Distribution } from "../distribution.js";
import { registerKL } from "./registry.js";

// KL(δ_v ‖ q) = -log q(v), as in Pyro (the Delta's logDensity is not counted). This is what
// makes a MAP guide (AutoDelta) work with analytic-KL ELBOs.
registerKL(Delta, Distribution, (p, q) => tf.neg(q.logProb(p.v)));
