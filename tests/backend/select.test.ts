import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { getBackend, ready } from "../../src/backend/select.js";
import { parseDraw, runDrawChild } from "./child/spawn.js";

describe("backend selection", () => {
  it("reports the backend it started (wasm here, unless SCVI_TS_BACKEND says otherwise)", async () => {
    const expected = process.env.SCVI_TS_BACKEND?.toLowerCase() || "wasm";
    const name = await ready();
    expect(name).toBe(expected);
    expect(getBackend()).toBe(expected);
    expect(tf.getBackend()).toBe(expected === "tensorflow" ? "tensorflow" : expected);
    // the choice is made once: later calls resolve to the same backend
    expect(await ready()).toBe(name);
  });

  it("defaults to wasm in a fresh process (no tfjs-node installed) and is undefined before ready()", async () => {
    const child = parseDraw(await runDrawChild(1, { SCVI_TS_BACKEND: undefined }));
    expect(child.before).toBeNull();
    expect([child.backend, child.getBackend, child.tfBackend]).toEqual(["wasm", "wasm", "wasm"]);
  });

  it("SCVI_TS_BACKEND=cpu selects the cpu backend (the value is case-insensitive)", async () => {
    const child = parseDraw(await runDrawChild(1, { SCVI_TS_BACKEND: "CPU" }));
    expect([child.backend, child.getBackend, child.tfBackend]).toEqual(["cpu", "cpu", "cpu"]);
  });

  it("an invalid SCVI_TS_BACKEND fails with a message naming the value and the choices", async () => {
    const result = await runDrawChild(1, { SCVI_TS_BACKEND: "gpu3" });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/SCVI_TS_BACKEND="gpu3" is not a backend scvi-ts knows; use one of tensorflow, wasm, cpu/);
  });
});
