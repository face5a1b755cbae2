/**
 * The effect-handler runtime: the `Message` every primitive sends, the `Messenger` base class of
 * every handler, the single handler stack, and `applyStack`, which routes a message through it.
 *
 * A newcomer reads this one file to understand the stack:
 *
 * 1. A primitive (`sample`, `param`, `plate`'s subsample, `deterministic`) builds a
 *    {@link Message} and calls {@link applyStack}.
 * 2. `applyStack` walks the stack from the newest handler to the oldest, calling each one's
 *    `process(msg)`. A handler that sets `msg.stop` hides the message from older handlers.
 * 3. If no handler supplied a value (`msg.value` unset and `msg.done` false), the default
 *    behaviour runs: a sample site draws `fn.rsample()` when the distribution has a
 *    reparameterized sampler (else `fn.sample()`), a param site calls its store getter, a
 *    plate draws its subsample indices.
 * 4. `postprocess(msg)` runs on the visited handlers in the reverse order (oldest visited first).
 *
 * Handlers leave the stack as they found it, even when the model throws (`Messenger.run`).
 * Model code is synchronous: a global stack does not survive `await`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Distribution } from "../distributions/distribution.js";
import type { Constraint } from "../distributions/constraints.js";

/** One plate a site sits in (Pyro's `CondIndepStackFrame`). */
export interface PlateFrame {
  /** The plate's name. */
  readonly name: string;
  /** The batch dimension (negative, counted from the right of the batch shape). */
  readonly dim: number;
  /** How many members the plate has in this execution (the subsample size). */
  readonly size: number;
  /** How many members the full plate has. */
  readonly fullSize: number;
}

/** Per-site inference hints (Pyro's `infer` dict). */
export interface InferConfig {
  /**
   * Force the score-function (REINFORCE) gradient estimator at this guide site even when the
   * distribution has a reparameterized sampler.
   */
  scoreFunction?: boolean;
  /** Free-form extras for user handlers. */
  [key: string]: unknown;
}

/** Arguments of a param site's getter. */
export interface ParamArgs {
  /** Initial (constrained) value, or a function returning it; used only when the param is new. */
  readonly init: tf.Tensor | number | (() => tf.Tensor) | undefined;
  /** The constraint the param lives in. */
  readonly constraint: Constraint;
  /** Rightmost dims forming one event of the param (for plates: dims left of it may be plate dims). */
  readonly eventDim: number | undefined;
}

/** Fields common to every message. */
interface MessageBase {
  /** The site's name, unique in one execution. */
  readonly name: string;
  /** The site's value: set by a handler (condition, replay, ...) or by the default behaviour. */
  value: tf.Tensor | undefined;
  /** Whether the value is observed data (a likelihood term) rather than a latent draw. */
  isObserved: boolean;
  /** Multiplier of the site's log-density (plates' `size / subsampleSize`, `scale` handler). */
  scale: number;
  /** Boolean mask of the site's log-density (`mask` handler, `Distribution.mask`); null = all on. */
  mask: tf.Tensor | boolean | null;
  /** The plates the site is in, innermost first. */
  plates: PlateFrame[];
  /** Inference hints. */
  infer: InferConfig;
  /** Set when a handler has supplied the value: the default behaviour is skipped. */
  done: boolean;
  /** Set by a handler to hide the message from older handlers. */
  stop: boolean;
}

/** A `sample` site: `fn` is the distribution. */
export interface SampleMessage extends MessageBase {
  /** The message kind. */
  readonly type: "sample";
  /** The site's distribution (plates may replace it with an expanded one). */
  fn: Distribution;
  /** Extra arguments of `fn.sample` (the sample shape). */
  args: {
    /** Independent draws in front of the batch shape (usually `[]`). */
    sampleShape: number[];
  };
}

/** A `param` site: `fn` is the param store's getter. */
export interface ParamMessage extends MessageBase {
  /** The message kind. */
  readonly type: "param";
  /** The param store's getter: creates the param from `args.init` on first use. */
  fn: (name: string, args: ParamArgs) => tf.Tensor;
  /** The initial value, constraint and event dims. */
  args: ParamArgs;
}

/** A plate's subsample: `value` holds the indices (int32). */
export interface PlateMessage extends MessageBase {
  /** The message kind. */
  readonly type: "plate";
  /** Draws the subsample indices. */
  fn: (name: string, args: PlateArgs) => tf.Tensor;
  /** The plate's size and subsample size. */
  args: PlateArgs;
}

/** Arguments of a plate's subsample draw. */
export interface PlateArgs {
  /** The plate's full size. */
  readonly size: number;
  /** How many members to draw. */
  readonly subsampleSize: number;
}

/** A `deterministic` site: records a value computed from others; never scored. */
export interface DeterministicMessage extends MessageBase {
  /** The message kind. */
  readonly type: "deterministic";
  /** None: the value is given. */
  fn: null;
  /** How the value is shaped. */
  args: {
    /** Rightmost dims of the value that form one event. */
    eventDim: number;
  };
}

/** Every message that travels the stack, discriminated by `type`. */
export type Message = SampleMessage | ParamMessage | PlateMessage | DeterministicMessage;

/**
 * The base class of every handler: `process` runs on the way down the stack, `postprocess`
 * on the way back. `run(fn)` installs the handler for the duration of `fn`.
 */
export abstract class Messenger {
  /** Called on every message before the default behaviour (newest handler first). */
  process(_msg: Message): void {}

  /** Called on every visited message after the default behaviour (oldest visited first). */
  postprocess(_msg: Message): void {}

  /** Called when the handler is pushed on the stack. */
  protected enter(): void {}

  /** Called when the handler leaves the stack, also after a throw. */
  protected exit(): void {}

  /**
   * Runs `fn` with this handler on the stack and restores the stack afterwards, even when `fn`
   * throws.
   */
  run<R>(fn: () => R): R {
    const depth = stack.length;
    stack.push(this);
    this.enter();
    try {
      return fn();
    } finally {
      try {
        this.exit();
      } finally {
        stack.length = depth;
      }
    }
  }
}

const stack: Messenger[] = [];

/** The handlers installed now, oldest first (a copy). */
export function handlerStack(): readonly Messenger[] {
  return [...stack];
}

/** The newest installed handler that is an instance of `cls`, if any. */
export function findHandler<T extends Messenger>(cls: abstract new (...args: never[]) => T): T | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const h = stack[i];
    if (h instanceof cls) return h;
  }
  return undefined;
}

function defaultProcess(msg: Message): void {
  if (msg.done || msg.value !== undefined) return;
  switch (msg.type) {
    case "sample":
      // Reparameterized draws by default, so pathwise gradients flow (Pyro's behaviour);
      // `infer.scoreFunction` forces a detached draw.
      msg.value =
        msg.fn.hasRsample && !msg.infer.scoreFunction ? msg.fn.rsample(msg.args.sampleShape) : msg.fn.sample(msg.args.sampleShape);
      break;
    case "param":
      msg.value = msg.fn(msg.name, msg.args);
      break;
    case "plate":
      msg.value = msg.fn(msg.name, msg.args);
      break;
    case "deterministic":
      throw new Error(`deterministic site '${msg.name}' has no value`);
  }
}

/**
 * Sends `msg` through the handler stack (see the module comment) and returns it with its
 * value set. With no handler installed, only the default behaviour runs.
 */
export function applyStack<M extends Message>(msg: M): M {
  let pointer = stack.length;
  for (let i = stack.length - 1; i >= 0; i--) {
    pointer = i;
    stack[i]!.process(msg);
    if (msg.stop) break;
  }
  defaultProcess(msg);
  const visited = stack.slice(pointer);
  for (const handler of visited) handler.postprocess(msg);
  return msg;
}
