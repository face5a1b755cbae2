/**
 * scvi-ts/ppl: a Pyro-style effect-handler probabilistic programming language.
 *
 * Models and guides are plain synchronous functions that call {@link sample}, {@link param} and
 * {@link plate}; handlers ({@link trace}, {@link replay}, {@link condition}, ...) wrap them to
 * record, replay or change what those primitives do.
 *
 * @module
 */
export { setSeed } from "../backend/random.js";
export {
  applyStack,
  Messenger,
  handlerStack,
  findHandler,
  type Message,
  type SampleMessage,
  type ParamMessage,
  type PlateMessage,
  type DeterministicMessage,
  type PlateFrame,
  type InferConfig,
  type ParamArgs,
  type PlateArgs,
} from "./runtime.js";
export {
  sample,
  param,
  deterministic,
  factor,
  module,
  type SampleOptions,
  type ParamOptions,
  type ParameterizedModule,
} from "./primitives.js";
export { plate, PlateMessenger, type PlateOptions } from "./plate.js";
export { Trace, formatTable, type Site } from "./trace-struct.js";
export {
  ParamStore,
  getParamStore,
  clearParamStore,
  withParamStore,
  constraintFromName,
  type ParamStoreState,
  type ParamInit,
} from "./param-store.js";
export { trace, TraceMessenger, type TracedFunction } from "./handlers/trace.js";
export { replay, ReplayMessenger } from "./handlers/replay.js";
export { block, BlockMessenger, type BlockOptions } from "./handlers/block.js";
export { condition, substitute, ConditionMessenger, SubstituteMessenger, type SiteValues } from "./handlers/condition.js";
export { seed, SeedMessenger } from "./handlers/seed.js";
export { scale, mask, ScaleMessenger, MaskMessenger, combineMasks } from "./handlers/scale.js";
export { FactorDistribution } from "./factor-distribution.js";
