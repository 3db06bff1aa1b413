import { inseqError } from "../errors.js";
import { gaussLegendre } from "./gaussLegendre.js";
import type { PathParameters } from "./pathParameters.js";
import { riemann } from "./riemann.js";
import type { RiemannRule } from "./riemann.js";

/** Integral approximation methods, by Captum's names. */
export const APPROXIMATION_METHODS = ["gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"] as const;

/** One of {@link APPROXIMATION_METHODS}. */
export type ApproximationMethod = (typeof APPROXIMATION_METHODS)[number];

/** Whether `value` names an approximation method. */
export function isApproximationMethod(value: unknown): value is ApproximationMethod {
  return typeof value === "string" && (APPROXIMATION_METHODS as readonly string[]).includes(value);
}

/** Alphas and step sizes of `method` with `n` points (Captum's `approximation_parameters(method)` applied to `n`). */
export function approximationParameters(method: ApproximationMethod, n: number): PathParameters {
  if (method === "gausslegendre") return gaussLegendre(n);
  if (isApproximationMethod(method)) return riemann(n, method.slice("riemann_".length) as RiemannRule);
  throw inseqError("INVALID_OPTION", `Unknown approximation method "${String(method)}"; use one of ${APPROXIMATION_METHODS.join(", ")}.`);
}
