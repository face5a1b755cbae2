/**
 * `plate`: conditional independence along a batch dimension, with subsampling.
 *
 * Sites inside a plate are broadcast to the plate's size at the plate's dim and their
 * log-density is scaled by `size / subsampleSize`. Nested plates take dims automatically
 * (the outermost -1, the next -2, ...) unless one is given; two active plates on one dim, or a
 * site whose batch shape does not fit its plates, throw an error with the shape table.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { currentStream } from "../backend/random.js";
import { formatShape } from "../backend/tensor.js";
import { gather } from "../backend/gather.js";
import { handlerStack, Messenger, applyStack, type Message, type PlateArgs, type PlateFrame, type PlateMessage } from "./runtime.js";
import { TraceMessenger } from "./handlers/trace.js";

/** Options of {@link plate}. */
export interface PlateOptions {
  /** Draw a random subsample of this many members (without replacement) per execution. */
  subsampleSize?: number;
  /** Use exactly these members (indices into the full plate). */
  subsample?: tf.Tensor | readonly number[];
  /** The batch dim (negative). Allocated automatically when omitted. */
  dim?: number;
}

/** The handler of an active plate: broadcasts and scales the sites inside it. */
export class PlateMessenger extends Messenger {
  constructor(
    /** The plate as sites record it: name, dim, subsample size, full size. */
    readonly frame: PlateFrame,
    private readonly indices: tf.Tensor,
  ) {
    super();
  }

  override process(msg: Message): void {
    if (msg.type === "plate") return;
    msg.plates.push(this.frame);
    if (msg.type !== "sample") return;
    if (this.frame.size !== this.frame.fullSize) msg.scale *= this.frame.fullSize / this.frame.size;
    msg.fn = broadcastToPlate(msg.name, msg.fn, this.frame);
  }

  override postprocess(msg: Message): void {
    // A param declared with an eventDim inside a subsampled plate is sliced to the subsample
    // along the plate's dim (the param itself holds the full plate).
    if (msg.type !== "param" || msg.args.eventDim === undefined || msg.value === undefined) return;
    if (this.frame.size === this.frame.fullSize) return;
    const axis = msg.value.rank + this.frame.dim - msg.args.eventDim;
    if (axis < 0 || msg.value.shape[axis] !== this.frame.fullSize) {
      throw new Error(
        `param '${msg.name}' of shape ${formatShape(msg.value.shape)} (eventDim ${msg.args.eventDim}) has no dim of size ${this.frame.fullSize} for plate '${this.frame.name}' at dim ${this.frame.dim}`,
      );
    }
    msg.value = gather(msg.value, this.indices, axis);
  }
}

function activePlates(): PlateMessenger[] {
  return handlerStack().filter((h): h is PlateMessenger => h instanceof PlateMessenger);
}

function shapeTable(): string {
  const tracer = handlerStack().filter((h): h is TraceMessenger => h instanceof TraceMessenger).pop();
  return tracer ? `\nSites so far:\n${tracer.trace.formatShapes()}` : "";
}

function broadcastToPlate(name: string, fn: import("../distributions/distribution.js").Distribution, frame: PlateFrame) {
  const batch = fn.batchShape;
  const rank = Math.max(batch.length, -frame.dim);
  const target = [...new Array<number>(rank - batch.length).fill(1), ...batch];
  const at = rank + frame.dim;
  const current = target[at]!;
  if (current === frame.size) return fn;
  if (current !== 1) {
    throw new Error(
      `shape mismatch at site '${name}': its batch shape ${formatShape(batch)} has size ${current} at dim ${frame.dim}, ` +
        `but plate '${frame.name}' there has size ${frame.size} (expected 1 or ${frame.size})${shapeTable()}`,
    );
  }
  target[at] = frame.size;
  return fn.expand(target);
}

function allocateDim(name: string, requested: number | undefined): number {
  const used = new Map(activePlates().map((p) => [p.frame.dim, p.frame.name]));
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested >= 0) {
      throw new Error(`plate '${name}': dim must be a negative integer, got ${requested}`);
    }
    const other = used.get(requested);
    if (other !== undefined) {
      throw new Error(`plate '${name}' asks for dim ${requested}, which the enclosing plate '${other}' already uses${shapeTable()}`);
    }
    return requested;
  }
  let dim = -1;
  while (used.has(dim)) dim--;
  return dim;
}

/** Draws `subsampleSize` distinct indices of `0..size-1` (partial Fisher–Yates, seeded). */
function drawSubsample(_name: string, args: PlateArgs): tf.Tensor {
  const { size, subsampleSize } = args;
  if (subsampleSize === size) return tf.range(0, size, 1, "int32");
  const perm = new Int32Array(size);
  for (let i = 0; i < size; i++) perm[i] = i;
  const stream = currentStream();
  for (let i = 0; i < subsampleSize; i++) {
    const j = i + Math.floor(stream.uniform() * (size - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  return tf.tensor1d(perm.subarray(0, subsampleSize), "int32");
}

function checkSizes(name: string, size: number, options: PlateOptions): { subsampleSize: number; given?: tf.Tensor } {
  if (!Number.isInteger(size) || size < 1) throw new Error(`plate '${name}': size must be a positive integer, got ${size}`);
  if (options.subsample !== undefined) {
    const given = options.subsample instanceof tf.Tensor ? options.subsample : tf.tensor1d([...options.subsample], "int32");
    if (given.rank !== 1) throw new Error(`plate '${name}': subsample must be 1-D, got shape ${formatShape(given.shape)}`);
    return { subsampleSize: given.shape[0]!, given };
  }
  const subsampleSize = options.subsampleSize ?? size;
  if (!Number.isInteger(subsampleSize) || subsampleSize < 1 || subsampleSize > size) {
    throw new Error(`plate '${name}': subsampleSize must be an integer in [1, ${size}], got ${subsampleSize}`);
  }
  return { subsampleSize };
}

/**
 * Declares `size` conditionally independent members and runs `body` with the (subsampled)
 * member indices. Returns what `body` returns.
 *
 * @example
 * ```ts
 * plate("data", 100, (idx) => {
 *   sample("x", new Normal(0, 1), { obs: tf.gather(data, idx) });
 * }, { subsampleSize: 10 });
 * ```
 */
export function plate<R>(name: string, size: number, body: (indices: tf.Tensor1D) => R, options: PlateOptions = {}): R {
  const { subsampleSize, given } = checkSizes(name, size, options);
  const msg: PlateMessage = applyStack({
    type: "plate",
    name,
    fn: given ? () => given : drawSubsample,
    args: { size, subsampleSize },
    value: undefined,
    isObserved: false,
    scale: 1,
    mask: null,
    plates: [],
    infer: {},
    done: false,
    stop: false,
  });
  const indices = msg.value as tf.Tensor1D;
  const frame: PlateFrame = { name, dim: allocateDim(name, options.dim), size: indices.shape[0], fullSize: size };
  return new PlateMessenger(frame, indices).run(() => body(indices));
}
