/**
 * What TSDoc examples take for granted, per part of the library: imports and a small model,
 * guide and data that the examples' fragments refer to.
 */

/** The prelude of src/ppl's examples: `data` (100 points), `model` and `guide` of them, `svi`. */
export const PPL_PRELUDE = `import * as tf from "@tensorflow/tfjs";
import { ready } from "scvi-ts";
import { Normal, constraints } from "scvi-ts/distributions";
import { sample, param, plate, trace, replay, block, condition, substitute, seed, scale, mask, ParamStore, withParamStore } from "scvi-ts/ppl";
import { SVI, TraceELBO, Adam } from "scvi-ts/infer";
await ready();
const data = tf.randomNormal([100], 1, 1, "float32", 0) as tf.Tensor1D;
function model(x: tf.Tensor1D = data): void {
  const z = sample("z", new Normal(0, 10));
  plate("data", x.shape[0], () => sample("x", new Normal(z, 1), { obs: x }));
}
function guide(_x: tf.Tensor1D = data): void {
  const loc = param("loc", tf.scalar(0));
  const s = param("s", tf.scalar(1), { constraint: constraints.positive });
  sample("z", new Normal(loc, s));
}
const svi = new SVI(model, guide, new Adam({ lr: 0.01 }), new TraceELBO());
void [tf, sample, param, plate, trace, replay, block, condition, substitute, seed, scale, mask, ParamStore, withParamStore, svi, model, guide, data];`;
