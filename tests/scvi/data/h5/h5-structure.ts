/**
 * Test helper: the whole structure of an HDF5 file (every group and dataset with its
 * attributes, datatype, shape, filters and values) as plain data, so two files can be
 * compared element by element. Object references are replaced by the path they point to.
 */
import { Dataset, Group, Reference } from "h5wasm/node";
import { h5Ready, openH5 } from "../../../../src/scvi/data/h5/h5wasm.js";

export interface H5Entry {
  path: string;
  kind: "group" | "dataset";
  attrs: Record<string, { type: number; size: number; shape: number[] | null; value: unknown }>;
  type?: number;
  size?: number;
  signed?: boolean;
  vlen?: boolean;
  shape?: number[] | null;
  filters?: number[];
  value?: unknown;
}

function plain(v: unknown, root: Group): unknown {
  if (v instanceof Reference) {
    const target = root.dereference(v) as unknown as { path?: string } | null;
    return { ref: target?.path ?? null };
  }
  if (typeof v === "bigint") return Number(v);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (typeof x === "bigint" ? Number(x) : Number.isNaN(x) ? "NaN" : x));
  if (Array.isArray(v)) return v.map((x) => plain(x, root));
  if (typeof v === "number" && Number.isNaN(v)) return "NaN";
  return v;
}

/** Every object of the file at `path`, sorted by path. */
export async function h5Structure(path: string): Promise<H5Entry[]> {
  await h5Ready();
  const f = openH5(path, "r");
  try {
    const out: H5Entry[] = [];
    const visit = (obj: Group | Dataset, p: string) => {
      const attrs: H5Entry["attrs"] = {};
      for (const [k, a] of Object.entries(obj.attrs)) {
        attrs[k] = { type: a.metadata.type, size: a.metadata.size, shape: a.shape, value: plain(a.value, f) };
      }
      if (obj instanceof Dataset) {
        const m = obj.metadata;
        out.push({
          path: p,
          kind: "dataset",
          attrs,
          type: m.type,
          size: m.size,
          signed: m.signed,
          vlen: m.vlen,
          shape: obj.shape,
          filters: obj.filters.map((x) => x.id),
          value: plain(obj.value, f),
        });
        return;
      }
      out.push({ path: p, kind: "group", attrs });
      for (const k of obj.keys()) {
        const c = obj.get(k);
        if (c instanceof Group || c instanceof Dataset) visit(c, p === "/" ? `/${k}` : `${p}/${k}`);
      }
    };
    visit(f, "/");
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } finally {
    f.close();
  }
}
