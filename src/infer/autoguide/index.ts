/**
 * Autoguides: guides built automatically from a model, with their init strategies.
 * @module
 */
export { AutoGuide, type AutoGuideOptions, type SiteGroup } from "./autoguide.js";
export { AutoNormal, type AutoNormalOptions } from "./auto-normal.js";
export { AutoDelta } from "./auto-delta.js";
export { AutoDiagonalNormal, type AutoDiagonalNormalOptions } from "./auto-diagonal-normal.js";
export {
  initToFeasible,
  initToMedian,
  initToMean,
  initToSample,
  initToValue,
  InitMessenger,
  type InitStrategy,
  type InitSite,
} from "./initialization.js";
export { GuidePlates, type PlateSubsamples } from "./guide-plates.js";
export { type LatentSiteInfo, type Prototype } from "./prototype.js";
export { normalQuantile, normalCdf } from "./normal-quantile.js";
