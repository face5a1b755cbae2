/**
 * `trace`: records every site of an execution into a {@link Trace}.
 * @module
 */
import { Messenger, type Message } from "../runtime.js";
import { Trace } from "../trace-struct.js";

/** The handler behind {@link trace}: adds every message it sees to `this.trace`. */
export class TraceMessenger extends Messenger {
  /** The trace being recorded. */
  readonly trace = new Trace();

  override postprocess(msg: Message): void {
    this.trace.addSite(msg);
  }
}

/** A function wrapped by {@link trace}: callable as before, plus `getTrace`. */
export interface TracedFunction<A extends unknown[], R> {
  (...args: A): R;
  /** Runs the function and returns the trace of that run (its `returnValue` holds the result). */
  getTrace(...args: A): Trace;
}

/**
 * Records the sites of `fn`'s executions.
 *
 * @example
 * ```ts
 * const tr = trace(model).getTrace(data);
 * for (const [name, site] of tr.nodes) console.log(name, site.value.shape);
 * ```
 */
export function trace<A extends unknown[], R>(fn: (...args: A) => R): TracedFunction<A, R> {
  const traced = ((...args: A) => new TraceMessenger().run(() => fn(...args))) as TracedFunction<A, R>;
  traced.getTrace = (...args: A): Trace => {
    const messenger = new TraceMessenger();
    messenger.trace.returnValue = messenger.run(() => fn(...args));
    return messenger.trace;
  };
  return traced;
}
