/**
 * Plots as dependency-free SVG text.
 * @module
 */
export { lossSvg, type LossSvgOptions } from "./loss-svg.js";
