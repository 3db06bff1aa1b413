/** How many of `n` ranked tokens "the top `fraction`" means: ⌈fraction · n⌉, at least 1 and at most n. */
export function topCount(fraction: number, n: number): number {
  return Math.min(n, Math.max(1, Math.ceil(fraction * n - 1e-9)));
}
