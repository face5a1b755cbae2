import { describe, expect, it } from "vitest";
import { lossSvg } from "../../../src/scvi/plot/loss-svg.js";

/** Checks that every tag is closed in order (the SVG is well-formed XML of this simple kind). */
function expectBalancedTags(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name!);
  }
  expect(stack).toEqual([]);
}

/** The (x, y) points of a series' polyline. */
function seriesPoints(svg: string, metric: string): [number, number][] {
  const m = new RegExp(`<g class="series" data-metric="${metric}">\\n<polyline [^>]*points="([^"]+)"`).exec(svg);
  if (!m) throw new Error(`no polyline for ${metric}`);
  return m[1]!.split(" ").map((p) => p.split(",").map(Number) as [number, number]);
}

describe("lossSvg", () => {
  const history = {
    elbo_train: [-900, -700, -650, -630, -620],
    elbo_validation: [-950, Number.NaN, -700, Number.NaN, -660],
    kl_weight: [0, 0.25, 0.5, 0.75, 1],
  };

  it("draws train and validation ELBO per epoch, skipping epochs without validation", () => {
    const svg = lossSvg(history, { width: 500, height: 300 });
    expectBalancedTags(svg);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="500" height="300"/);
    const train = seriesPoints(svg, "elbo_train");
    const val = seriesPoints(svg, "elbo_validation");
    expect(train).toHaveLength(5);
    expect(val).toHaveLength(3);
    expect(svg).not.toContain("kl_weight");
    // x grows with the epoch; validation epochs 1, 3, 5 sit at the train points' x.
    for (let i = 1; i < 5; i++) expect(train[i]![0]).toBeGreaterThan(train[i - 1]![0]);
    expect(val.map((p) => p[0])).toEqual([train[0]![0], train[2]![0], train[4]![0]]);
    // A higher ELBO is drawn higher on the page (smaller y), linearly on this range.
    for (let i = 1; i < 5; i++) expect(train[i]![1]).toBeLessThan(train[i - 1]![1]);
    const slope = (train[1]![1] - train[0]![1]) / (900 - 700);
    expect((train[4]![1] - train[0]![1]) / (900 - 620)).toBeCloseTo(slope, 1);
    expect(svg).toContain("value</text>");
    expect(svg).not.toContain("log scale");
    // Everything inside the canvas.
    for (const [x, y] of [...train, ...val]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(500);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(300);
    }
    expect(svg).toContain(">elbo_train</text>");
    expect(svg).toContain(">elbo_validation</text>");
  });

  it("switches to a log axis when the values span over 20×, and escapes the title", () => {
    const svg = lossSvg({ elbo_train: [1e6, 1e4, 2000, 1500] }, { title: "a < b & c" });
    expectBalancedTags(svg);
    expect(svg).toContain("value (log scale)");
    expect(svg).toContain("<title>a &lt; b &amp; c</title>");
    const p = seriesPoints(svg, "elbo_train");
    // On a log axis the distance is proportional to the log of the ratio: 1e6 → 1e4 spans two decades.
    const perDecade = (p[1]![1] - p[0]![1]) / 2;
    expect(p[2]![1] - p[1]![1]).toBeCloseTo(perDecade * Math.log10(1e4 / 2000), 1);
    expect(lossSvg({ elbo_train: [1e6, 1e4] }, { yScale: "linear" })).not.toContain("log scale");
  });

  it("draws a negative ELBO spanning decades on a flipped log axis of its magnitude, higher on top", () => {
    const svg = lossSvg({ elbo_train: [-1e6, -1e4, -2000, -1500] });
    expectBalancedTags(svg);
    expect(svg).toContain("value (log scale of −value)");
    const p = seriesPoints(svg, "elbo_train");
    for (let i = 1; i < 4; i++) expect(p[i]![1]).toBeLessThan(p[i - 1]![1]);
    const perDecade = (p[0]![1] - p[1]![1]) / 2;
    expect(p[1]![1] - p[2]![1]).toBeCloseTo(perDecade * Math.log10(1e4 / 2000), 1);
    for (const tick of ["-1e6", "-1e5", "-10000"]) expect(svg).toContain(`>${tick}</text>`);
  });

  it("draws a single epoch and a constant series without dividing by zero", () => {
    const one = lossSvg({ elbo_train: [123] });
    expectBalancedTags(one);
    expect(one).toMatch(/<circle cx="[\d.]+" cy="[\d.]+"/);
    expect(one).not.toContain("NaN");
    const flat = lossSvg({ elbo_train: [5, 5, 5] });
    expect(flat).not.toContain("NaN");
    expect(seriesPoints(flat, "elbo_train")).toHaveLength(3);
  });

  it("names a missing metric and refuses an empty plot", () => {
    expect(() => lossSvg(history, { metrics: ["elbo_test"] })).toThrow(/no metric 'elbo_test' \(it has: elbo_train, elbo_validation, kl_weight\)/);
    expect(() => lossSvg({})).toThrow(/nothing to draw/);
    expect(() => lossSvg({ elbo_train: [Number.NaN] })).toThrow(/nothing to draw/);
    expect(() => lossSvg({ elbo_train: [-1, 5] }, { yScale: "log" })).toThrow(/log y axis needs values of one sign/);
  });
});
