/**
 * Re-entering a model's plates inside a guide: each plate is entered once per site group but
 * records (and draws) its subsample only the first time, so every site of the guide sees the
 * same indices and the trace has one plate site per plate — what Pyro gets by entering the
 * same `pyro.plate` object several times.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { plate } from "../../ppl/plate.js";
import { BlockMessenger } from "../../ppl/handlers/block.js";
import type { PlateFrame } from "../../ppl/runtime.js";

/** Subsample indices to use for named plates (e.g. the indices of the current minibatch). */
export type PlateSubsamples = Readonly<Record<string, tf.Tensor | readonly number[]>>;

/**
 * The plates of one guide execution. `enter(frames, body)` runs `body` inside the given plates
 * (outermost first): the first entry of a plate declares it (drawing a subsample of the
 * prototype's size unless `subsamples` names its indices), later entries reuse its indices
 * without declaring it again.
 */
export class GuidePlates {
  private readonly indices = new Map<string, tf.Tensor>();

  constructor(private readonly subsamples: PlateSubsamples = {}) {}

  /** Runs `body` inside `frames`, given outermost first. */
  enter<R>(frames: readonly PlateFrame[], body: () => R): R {
    if (frames.length === 0) return body();
    const [outer, ...rest] = frames as [PlateFrame, ...PlateFrame[]];
    const inner = () => this.enter(rest, body);
    const known = this.indices.get(outer.name);
    if (known !== undefined) {
      const hideThisPlate = new BlockMessenger({ hideFn: (m) => m.type === "plate" && m.name === outer.name });
      return hideThisPlate.run(() => plate(outer.name, outer.fullSize, inner, { subsample: known, dim: outer.dim }));
    }
    const given = this.subsamples[outer.name];
    const options = given !== undefined ? { subsample: given, dim: outer.dim } : { subsampleSize: outer.size, dim: outer.dim };
    return plate(
      outer.name,
      outer.fullSize,
      (idx) => {
        this.indices.set(outer.name, idx);
        return inner();
      },
      options,
    );
  }
}
