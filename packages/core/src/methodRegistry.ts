import { inseqError } from "./errors.js";
import type { AttributionMethod } from "./method.js";

/** Creates a fresh method instance for one attribution run. */
export type AttributionMethodFactory = () => AttributionMethod<any>;

const methods = new Map<string, { create: AttributionMethodFactory; description: string }>();

/**
 * Registers a method under its inseq id. Registering an id twice replaces the earlier factory only with
 * `{ override: true }`, so two plugins cannot silently shadow each other.
 */
export function registerMethod(
  methodName: string,
  create: AttributionMethodFactory,
  options: { description?: string; override?: boolean } = {},
): void {
  if (!/^[a-z][a-z0-9_]*$/.test(methodName)) {
    throw inseqError("INVALID_OPTION", `Method id "${methodName}" must be snake_case like inseq's ids (e.g. "integrated_gradients").`);
  }
  if (methods.has(methodName) && !options.override) {
    throw inseqError("INVALID_OPTION", `A method "${methodName}" is already registered; pass { override: true } to replace it.`);
  }
  methods.set(methodName, { create, description: options.description ?? "" });
}

/** Ids of every registered method, sorted. */
export function listMethods(): string[] {
  return [...methods.keys()].sort();
}

/** One-line descriptions of the registered methods, by id. */
export function describeMethods(): { methodName: string; description: string }[] {
  return listMethods().map((methodName) => ({ methodName, description: methods.get(methodName)!.description }));
}

/** A new instance of the method registered as `methodName`; unknown ids throw `UNKNOWN_METHOD` listing the valid ones. */
export function getMethod(methodName: string): AttributionMethod<any> {
  const entry = methods.get(methodName);
  if (!entry) {
    const known = listMethods();
    throw inseqError(
      "UNKNOWN_METHOD",
      `Unknown attribution method "${methodName}". Registered methods: ${known.length ? known.join(", ") : "(none — import \"inseqjs\" or a method package to register them)"}.`,
    );
  }
  return entry.create();
}

/** Removes a method (for tests and plugins that unload). */
export function unregisterMethod(methodName: string): boolean {
  return methods.delete(methodName);
}
