import { describe, it, expect } from "vitest";
import * as tf from "@tensorflow/tfjs";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import {
  Adam,
  AdamW,
  ClippedAdam,
  SGD,
  StepLR,
  ExponentialLR,
  ReduceLROnPlateau,
  clipGradNorm,
  globalNorm,
  type Optimizer,
  type LRScheduler,
} from "../../src/infer/optim/index.js";

interface Problem {
  x0: number[];
  a: number[];
  c: number[];
  y0: number[][];
  b: number[][];
  d: number[][];
}
interface Case {
  name: string;
  optimizer: "Adam" | "AdamW" | "ClippedAdam" | "SGD";
  options: Record<string, unknown>;
  gain: number;
  scheduler: { kind: "StepLR" | "ExponentialLR" | "ReduceLROnPlateau"; options: Record<string, unknown> } | null;
  metrics: number[] | null;
  trajectory: [number[], number[][]][];
  lrs: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  problem: Problem;
  steps: number;
  cases: Case[];
};
const P = fixture.problem;

/**
 * Update paths: host arrays for every variable, tfjs ops for every variable, one of each, or
 * (on the wasm backend, for the Adam family) the WebAssembly kernel on the backend's heap.
 */
const PATHS = {
  host: { heap: false },
  tensor: { hostMaxSize: 0, heap: false },
  mixed: { hostMaxSize: 3, heap: false },
  heap: { heap: true },
} as const;
type PathName = keyof typeof PATHS;

function makeOptimizer(c: Case, path: PathName = "host"): Optimizer {
  const o = { ...c.options, ...PATHS[path] } as never;
  switch (c.optimizer) {
    case "Adam":
      return new Adam(o);
    case "AdamW":
      return new AdamW(o);
    case "ClippedAdam":
      return new ClippedAdam(o);
    case "SGD":
      return new SGD(o);
  }
}

function makeScheduler(c: Case, opt: Optimizer): LRScheduler | undefined {
  if (c.scheduler === null) return undefined;
  const o = c.scheduler.options as never;
  switch (c.scheduler.kind) {
    case "StepLR":
      return new StepLR(opt, o);
    case "ExponentialLR":
      return new ExponentialLR(opt, o);
    case "ReduceLROnPlateau":
      return new ReduceLROnPlateau(opt, o);
  }
}

/** The gradients of the fixture's quadratic at the current values. */
function quadGrads(x: tf.Variable, y: tf.Variable, gain: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => [
    tf.mul(tf.mul(tf.tensor1d(P.a), gain), tf.sub(x, tf.tensor1d(P.c))),
    tf.mul(tf.mul(tf.tensor2d(P.b), gain), tf.sub(y, tf.tensor2d(P.d))),
  ]);
}

function runCase(c: Case, steps = fixture.steps, opt: Optimizer = makeOptimizer(c), x?: tf.Variable, y?: tf.Variable) {
  x ??= tf.variable(tf.tensor1d(P.x0));
  y ??= tf.variable(tf.tensor2d(P.y0));
  const sched = makeScheduler(c, opt);
  const traj: [number[], number[]][] = [];
  const lrs: number[] = [];
  for (let t = 0; t < steps; t++) {
    const [gx, gy] = quadGrads(x, y, c.gain);
    opt.apply([
      [x, gx],
      [y, gy],
    ]);
    tf.dispose([gx, gy]);
    if (sched) sched.step(c.metrics ? c.metrics[t] : undefined);
    traj.push([Array.from(x.dataSync()), Array.from(y.dataSync())]);
    lrs.push(opt.lr);
  }
  return { traj, lrs, x, y, opt };
}

describe.each(Object.keys(PATHS) as PathName[])("optimizers match torch / Pyro trajectories (%s path)", (path) => {
  for (const c of fixture.cases) {
    it(`${c.name} (${c.optimizer}${c.scheduler ? ` + ${c.scheduler.kind}` : ""})`, () => {
      const { traj, lrs, x, y, opt } = runCase(c, fixture.steps, makeOptimizer(c, path));
      for (let t = 0; t < fixture.steps; t++) {
        const [ex, ey] = c.trajectory[t]!;
        const [ax, ay] = traj[t]!;
        const expected = [...ex, ...ey.flat()];
        const actual = [...ax, ...ay];
        for (let i = 0; i < expected.length; i++) {
          expect(Math.abs(actual[i]! - expected[i]!), `${c.name} step ${t + 1} element ${i}`).toBeLessThan(2e-5 + 2e-5 * Math.abs(expected[i]!));
        }
        expect(lrs[t]).toBeCloseTo(c.lrs[t]!, 12);
      }
      x.dispose();
      y.dispose();
      opt.dispose();
    });
  }
});

describe("optimizer state", () => {
  it.each([
    ["host", "host"],
    ["tensor", "tensor"],
    ["host", "tensor"],
    ["tensor", "host"],
  ] as [PathName, PathName][])("getState/setState resumes a run (plain data, keyed by names): %s path, then %s path", (before, after) => {
    const c = fixture.cases.find((k) => k.name === "clipped_adam_weight_decay")!;
    const full = runCase(c, 12, makeOptimizer(c, before));
    const first = runCase(c, 5, makeOptimizer(c, before));
    const names = new Map<tf.Variable, string>([
      [first.x, "x"],
      [first.y, "y"],
    ]);
    const state = JSON.parse(JSON.stringify(first.opt.getState((v) => names.get(v)!)));
    expect(Object.keys(state.variables).sort()).toEqual(["x", "y"]);
    expect(state.variables.x.step).toBe(5);
    const x2 = tf.variable(first.x.clone());
    const y2 = tf.variable(first.y.clone());
    const resumed = makeOptimizer(c, after);
    resumed.setState(state, (n) => ({ x: x2, y: y2 })[n]);
    expect(resumed.lr).toBeCloseTo(first.opt.lr, 15);
    const rest = runCase(c, 7, resumed, x2, y2);
    const got = [...x2.dataSync(), ...y2.dataSync()];
    const want = [...full.traj[11]![0], ...full.traj[11]![1]];
    if (before === after) expect(got).toEqual(want);
    else got.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    for (const v of [full.x, full.y, first.x, first.y, x2, y2]) v.dispose();
    for (const o of [full.opt, first.opt, rest.opt]) o.dispose();
  });

  it("setState rejects another optimizer's state and unknown names", () => {
    const v = tf.variable(tf.tensor1d([1, 2]));
    const adam = new Adam();
    adam.apply([[v, tf.tensor1d([0.1, 0.2])]]);
    const state = adam.getState();
    expect(() => new SGD().setState(state)).toThrow(/written by Adam/);
    expect(() => new Adam().setState(state, () => undefined)).toThrow(new RegExp(`no variable for '${v.name}'`));
    adam.dispose();
    v.dispose();
  });

  it("updates keep the tensor count constant (moments are assigned in place)", () => {
    const x = tf.variable(tf.tensor1d(P.x0));
    const y = tf.variable(tf.tensor2d(P.y0));
    const make = (o: { hostMaxSize?: number; heap?: boolean }) => [
      new Adam({ weightDecay: 0.1, maxGradNorm: 1, ...o }),
      new AdamW(o),
      new ClippedAdam({ lrd: 0.99, ...o }),
      new SGD({ momentum: 0.9, nesterov: true, ...o }),
    ];
    for (const opt of [...make({ heap: false }), ...make({ hostMaxSize: 0, heap: false }), ...make({ hostMaxSize: 3, heap: false }), ...make({})]) {
      const step = () => {
        const [gx, gy] = quadGrads(x, y, 1);
        opt.apply([
          [x, gx],
          [y, gy],
        ]);
        tf.dispose([gx, gy]);
      };
      step();
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) step();
      expect(tf.memory().numTensors).toBe(before);
      opt.dispose();
    }
    x.dispose();
    y.dispose();
  });

  it("rejects invalid hyper-parameters, naming them", () => {
    expect(() => new Adam({ lr: -1 })).toThrow(/Adam: lr/);
    expect(() => new Adam({ betas: [1, 0.9] })).toThrow(/betas\[0\]/);
    expect(() => new SGD({ nesterov: true })).toThrow(/Nesterov/);
    expect(() => new ClippedAdam({ clipNorm: Number.NaN })).toThrow(/clipNorm/);
    expect(() => new Adam({ maxGradNorm: 0 })).toThrow(/maxGradNorm/);
    const opt = new SGD();
    expect(() => new ReduceLROnPlateau(opt).step()).toThrow(/metric/);
    expect(() => new StepLR(opt, { stepSize: 0 })).toThrow(/stepSize/);
  });
});

describe("the heap path (WebAssembly kernel on the wasm backend's heap)", () => {
  it("gives the host path's values bit for bit (Adam, AdamW, ClippedAdam; property)", () => {
    const hyper = fc.record({
      kind: fc.constantFrom("Adam", "AdamW", "ClippedAdam"),
      lr: fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
      eps: fc.double({ min: 1e-10, max: 0.1, noNaN: true }),
      weightDecay: fc.double({ min: 0, max: 0.1, noNaN: true }),
      clipNorm: fc.double({ min: 0.01, max: 5, noNaN: true }),
    });
    const values = fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(hyper, values, fc.integer({ min: 1, max: 2 ** 31 - 1 }), (h, init, seed) => {
        const make = (heap: boolean) => {
          const o = { lr: h.lr, eps: h.eps, weightDecay: h.weightDecay, heap };
          return h.kind === "Adam" ? new Adam(o) : h.kind === "AdamW" ? new AdamW(o) : new ClippedAdam({ ...o, clipNorm: h.clipNorm, lrd: 0.99 });
        };
        const trajectories = [true, false].map((heap) => {
          const opt = make(heap);
          const v = tf.variable(tf.tensor1d(init));
          const out: number[][] = [];
          for (let step = 0; step < 5; step++) {
            const g = tf.randomNormal([init.length], 0, 3, "float32", seed + step);
            opt.apply([[v, g]]);
            g.dispose();
            out.push(Array.from(v.dataSync()));
          }
          opt.dispose();
          v.dispose();
          return out;
        });
        expect(trajectories[0]).toEqual(trajectories[1]);
      }),
      { seed: 42, numRuns: 40 },
    );
  });

  it("updates large variables too and leaves clones of the parameter untouched", () => {
    const v = tf.variable(tf.randomNormal([300, 70], 0, 1, "float32", 5));
    const before = v.clone();
    const snapshot = Array.from(before.dataSync());
    const opt = new Adam({ lr: 0.1 });
    const g = tf.onesLike(v);
    opt.apply([[v, g]]);
    expect(Array.from(before.dataSync())).toEqual(snapshot);
    const moved = Array.from(v.dataSync());
    expect(moved.every((x, i) => Math.abs(x - (snapshot[i]! - 0.1)) < 1e-5)).toBe(true);
    tf.dispose([v, before, g]);
    opt.dispose();
  });
});

describe("clipGradNorm", () => {
  it("scales by min(1, maxNorm / (norm + 1e-6)) and preserves directions (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 6 }),
        fc.float({ min: Math.fround(0.01), max: 50, noNaN: true }),
        (a, b, maxNorm) => {
          const before = tf.memory().numTensors;
          const ga = tf.tensor1d(a);
          const gb = tf.tensor1d(b);
          const clipped = clipGradNorm([ga, gb], maxNorm);
          const norm = Math.hypot(...a, ...b);
          const coef = Math.min(1, maxNorm / (norm + 1e-6));
          const got = [...clipped[0]!.dataSync(), ...clipped[1]!.dataSync()];
          [...a, ...b].forEach((v, i) => expect(got[i]!).toBeCloseTo(v * coef, 3));
          const n = globalNorm(clipped);
          expect(n.dataSync()[0]!).toBeLessThanOrEqual(maxNorm * (1 + 1e-5) + 1e-6);
          tf.dispose([ga, gb, n, ...clipped]);
          expect(tf.memory().numTensors).toBe(before);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});
