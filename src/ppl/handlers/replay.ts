/**
 * `replay`: reuses the values of a recorded trace at sites of the same name.
 * @module
 */
import { Messenger, type Message } from "../runtime.js";
import type { Trace } from "../trace-struct.js";

/** The handler behind {@link replay}. */
export class ReplayMessenger extends Messenger {
  constructor(
    /** The trace whose values are replayed. */
    readonly trace: Trace,
  ) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type !== "sample" && msg.type !== "plate") return;
    const recorded = this.trace.nodes.get(msg.name);
    if (recorded === undefined || msg.isObserved) return;
    if (recorded.type !== msg.type || recorded.isObserved) {
      throw new Error(
        `replay: site '${msg.name}' is a ${msg.type} site here but ${recorded.isObserved ? "an observed " : "a "}${recorded.type} site in the replayed trace`,
      );
    }
    msg.value = recorded.value;
    msg.infer = { ...recorded.infer, ...msg.infer };
    msg.done = true;
  }
}

/**
 * Runs `fn` with every unobserved sample site (and plate subsample) that appears in `trace`
 * taking the recorded value: `replay(model, { trace: guideTrace })` evaluates the model at the
 * guide's draws.
 *
 * @example
 * ```ts
 * const guideTrace = trace(guide).getTrace(data);
 * const modelTrace = trace(replay(model, { trace: guideTrace })).getTrace(data);
 * ```
 */
export function replay<A extends unknown[], R>(fn: (...args: A) => R, options: { trace: Trace }): (...args: A) => R {
  return (...args: A) => new ReplayMessenger(options.trace).run(() => fn(...args));
}
