/**
 * Errors of the training loop.
 * @module
 */

/**
 * A step produced a non-finite loss or gradient. The step's update was not applied, so the
 * module keeps its last good weights.
 */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    /** The epoch (0-based) of the failing step, when known. */
    readonly epoch?: number,
    /** The step within the epoch (0-based), when known. */
    readonly step?: number,
  ) {
    super(message);
    this.name = "NonFiniteLossError";
  }
}
