/**
 * `Trace`: the record of one execution of a model or guide — every site in execution order,
 * with its value, distribution, log-density, scale, mask and plates.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Distribution } from "../distributions/distribution.js";
import { formatShape } from "../backend/tensor.js";
import type { InferConfig, Message, PlateFrame } from "./runtime.js";

/** One recorded site. */
export interface Site {
  /** `sample`, `param`, `plate` (a plate's subsample indices) or `deterministic`. */
  readonly type: Message["type"];
  /** The site's name. */
  readonly name: string;
  /** The distribution of a sample site (undefined for other types). */
  readonly fn: Distribution | undefined;
  /** The site's value. */
  readonly value: tf.Tensor;
  /** Whether the value was observed. */
  readonly isObserved: boolean;
  /** Multiplier of the log-density. */
  readonly scale: number;
  /** Mask of the log-density (null: none). */
  readonly mask: tf.Tensor | boolean | null;
  /** Plates, innermost first. */
  readonly plates: readonly PlateFrame[];
  /** Inference hints. */
  readonly infer: InferConfig;
  /** Unscaled, unmasked log-density (`fn.logProb(value)`), once computed. */
  logProb?: tf.Tensor;
}

/** The record of one execution: sites in execution order, by name. */
export class Trace {
  /** Sites in execution order. */
  readonly nodes = new Map<string, Site>();
  /** What the traced function returned. */
  returnValue: unknown = undefined;

  /** Adds the site of a message; a duplicate name throws naming the site. */
  addSite(msg: Message): void {
    if (this.nodes.has(msg.name)) {
      throw new Error(`duplicate site name '${msg.name}': every sample, param and plate in one execution needs its own name`);
    }
    if (msg.value === undefined) throw new Error(`site '${msg.name}' has no value`);
    this.nodes.set(msg.name, {
      type: msg.type,
      name: msg.name,
      fn: msg.type === "sample" ? msg.fn : undefined,
      value: msg.value,
      isObserved: msg.isObserved,
      scale: msg.scale,
      mask: msg.mask,
      plates: [...msg.plates],
      infer: { ...msg.infer },
    });
  }

  /** Sample sites, in execution order. */
  sampleSites(): Site[] {
    return [...this.nodes.values()].filter((s) => s.type === "sample");
  }

  /** Param sites, in execution order. */
  paramSites(): Site[] {
    return [...this.nodes.values()].filter((s) => s.type === "param");
  }

  /** Latent (unobserved) sample sites. */
  latentSites(): Site[] {
    return this.sampleSites().filter((s) => !s.isObserved);
  }

  /** Observed sample sites. */
  observedSites(): Site[] {
    return this.sampleSites().filter((s) => s.isObserved);
  }

  /** Computes and stores `logProb` of every sample site that lacks it. Returns `this`. */
  computeLogProbs(): this {
    for (const site of this.nodes.values()) {
      if (site.type !== "sample" || site.logProb !== undefined) continue;
      try {
        site.logProb = site.fn!.logProb(site.value);
      } catch (err) {
        throw new Error(`site '${site.name}': ${(err as Error).message}\n${this.formatShapes()}`);
      }
    }
    return this;
  }

  /** The site's log-density with its mask and scale applied (same shape as `logProb`). */
  scaledLogProb(site: Site): tf.Tensor {
    if (site.logProb === undefined) this.computeLogProbs();
    const lp = site.logProb!;
    return tf.tidy(() => {
      let out = lp;
      if (site.mask !== null && site.mask !== true) {
        out = site.mask === false ? tf.zerosLike(lp) : tf.where(tf.cast(site.mask, "bool"), lp, tf.zerosLike(lp));
      }
      return site.scale === 1 ? out : tf.mul(out, site.scale);
    });
  }

  /**
   * The total log-density: the sum over sample sites (those passing `filter`) of their
   * log-densities, masked and scaled. A scalar.
   */
  logProbSum(filter: (site: Site) => boolean = () => true): tf.Scalar {
    this.computeLogProbs();
    return tf.tidy(() => {
      let total: tf.Tensor = tf.scalar(0);
      for (const site of this.nodes.values()) {
        if (site.type !== "sample" || !filter(site)) continue;
        total = tf.add(total, tf.sum(this.scaledLogProb(site)));
      }
      return total as tf.Scalar;
    });
  }

  /**
   * The first sample site whose log-density is not finite (NaN or ±Infinity anywhere), or
   * undefined. Reads tensor values: for error reporting only.
   */
  firstNonFiniteSite(): Site | undefined {
    this.computeLogProbs();
    for (const site of this.nodes.values()) {
      if (site.type !== "sample") continue;
      const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(this.scaledLogProb(site)))).dataSync()[0]);
      if (bad) return site;
    }
    return undefined;
  }

  /**
   * A table of every site's shapes: batch shape, event shape, value shape, log-density shape
   * and plates. Printed in shape errors.
   */
  formatShapes(): string {
    const rows: string[][] = [["site", "type", "batch", "event", "value", "logProb", "plates"]];
    for (const site of this.nodes.values()) {
      const plates = site.plates.map((p) => `${p.name}(dim ${p.dim}, ${p.size}/${p.fullSize})`).join(" ");
      rows.push([
        site.name,
        site.type + (site.isObserved ? " (obs)" : ""),
        site.fn ? formatShape(site.fn.batchShape) : "",
        site.fn ? formatShape(site.fn.eventShape) : "",
        formatShape(site.value.shape),
        site.logProb ? formatShape(site.logProb.shape) : "",
        plates,
      ]);
    }
    return formatTable(rows);
  }
}

/** Formats rows as a left-aligned text table with a header rule. */
export function formatTable(rows: readonly string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  const line = (r: readonly string[]) => r.map((cell, c) => (cell ?? "").padEnd(widths[c]!)).join("  ").trimEnd();
  const [header, ...body] = rows;
  return [line(header!), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}
