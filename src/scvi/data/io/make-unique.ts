/**
 * Unique names the way anndata's `make_index_unique` does them.
 *
 * @module
 */

/**
 * Appends `-1`, `-2`, ... to the repeats of a name (the first occurrence keeps its name),
 * skipping suffixed names that already exist, as anndata's `make_index_unique`.
 *
 * @example
 * ```ts
 * makeUnique(["A", "B", "A", "A"]); // ["A", "B", "A-1", "A-2"]
 * ```
 */
export function makeUnique(names: readonly string[], join = "-"): string[] {
  const taken = new Set(names);
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = seen.get(name);
    if (count === undefined) {
      seen.set(name, 0);
      return name;
    }
    let k = count + 1;
    let candidate = `${name}${join}${k}`;
    while (taken.has(candidate)) candidate = `${name}${join}${++k}`;
    seen.set(name, k);
    taken.add(candidate);
    return candidate;
  });
}
