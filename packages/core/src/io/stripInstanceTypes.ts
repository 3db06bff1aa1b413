/**
 * The tree inseq's `use_primitives=True` writes: every `{"__instance_type__": [...], "attributes": {...}}` wrapper
 * replaced by its attributes, recursively. Neither inseq nor inseq.js can load such a file back.
 */
export function stripInstanceTypes(tree: unknown): unknown {
  if (Array.isArray(tree)) return tree.map(stripInstanceTypes);
  if (typeof tree !== "object" || tree === null || Object.getPrototypeOf(tree) !== Object.prototype) return tree;
  const o = tree as Record<string, unknown>;
  if ("__instance_type__" in o && "attributes" in o) return stripInstanceTypes(o.attributes);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, stripInstanceTypes(v)]));
}
