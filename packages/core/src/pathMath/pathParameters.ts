/** Points and weights of a path-integral approximation on [0, 1] (Captum's `alphas` and `step_sizes`). */
export interface PathParameters {
  /** Position of each path point between baseline (0) and input (1). */
  readonly alphas: readonly number[];
  /** Quadrature weight of each path point. */
  readonly stepSizes: readonly number[];
}
