/**
 * `block`: hides sites from the handlers outside it.
 * @module
 */
import { Messenger, type Message } from "../runtime.js";

/** Which sites {@link block} hides. With no option, every site is hidden. */
export interface BlockOptions {
  /** Hide exactly these sites (others pass). */
  hide?: readonly string[];
  /** Hide every site except these. */
  expose?: readonly string[];
  /** Hide the sites for which this returns true (takes precedence over `hide` and `expose`). */
  hideFn?: (msg: Message) => boolean;
}

function makeHideFn(options: BlockOptions): (msg: Message) => boolean {
  if (options.hideFn) return options.hideFn;
  if (options.hide) {
    const hidden = new Set(options.hide);
    return (msg) => hidden.has(msg.name);
  }
  if (options.expose) {
    const exposed = new Set(options.expose);
    return (msg) => !exposed.has(msg.name);
  }
  return () => true;
}

/** The handler behind {@link block}. */
export class BlockMessenger extends Messenger {
  private readonly hideFn: (msg: Message) => boolean;

  constructor(options: BlockOptions = {}) {
    super();
    this.hideFn = makeHideFn(options);
  }

  override process(msg: Message): void {
    if (this.hideFn(msg)) msg.stop = true;
  }
}

/**
 * Hides sites of `fn` from handlers installed outside the block (an outer `trace` does not
 * record them).
 *
 * @example
 * ```ts
 * const tr = trace(block(model, { hide: ["z"] })).getTrace();
 * tr.nodes.has("z"); // false
 * ```
 */
export function block<A extends unknown[], R>(fn: (...args: A) => R, options: BlockOptions = {}): (...args: A) => R {
  return (...args: A) => new BlockMessenger(options).run(() => fn(...args));
}
