/**
 * A param-only trace: records the names of the param sites an execution touches (Pyro's
 * `poutine.trace(param_only=True)`), so SVI knows which variables to differentiate.
 * @module
 */
import { Messenger, type Message } from "../ppl/runtime.js";

/** Records the param sites that pass through it, in first-use order. */
export class ParamCaptureMessenger extends Messenger {
  /** Param names seen, in first-use order. */
  readonly names = new Set<string>();

  override postprocess(msg: Message): void {
    if (msg.type === "param") this.names.add(msg.name);
  }
}
