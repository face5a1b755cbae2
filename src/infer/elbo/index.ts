/**
 * ELBO estimators.
 * @module
 */
export type { ELBOEstimator, ModelFn, NonFiniteSite } from "./estimator.js";
export { TraceELBO, logRatioTerms, type TraceELBOOptions, type ParticleTerms } from "./trace-elbo.js";
export { TraceMeanFieldELBO } from "./trace-mean-field-elbo.js";
export { sumToPlates, type LogRatioTerm } from "./log-ratio.js";
export {
  runGuideThenModel,
  checkModelGuideMatch,
  maxPlateNesting,
  firstNonFiniteIn,
  PARTICLE_PLATE,
  type TracePair,
  type ParticlePlate,
} from "./traces.js";
export { isReparameterized, scaledSum } from "./site-terms.js";
