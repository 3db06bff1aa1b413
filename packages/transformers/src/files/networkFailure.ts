/** Marks an error thrown by `fetch` itself (no response at all: offline, DNS, refused), as opposed to an HTTP error. */
export class NetworkFailure extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = "NetworkFailure";
  }
}

/** Wraps `fetchFn` so that its own failures surface as {@link NetworkFailure}; aborts pass through unchanged. */
export function markNetworkFailures(fetchFn: typeof fetch): typeof fetch {
  return async (input, init) => {
    try {
      return await fetchFn(input, init);
    } catch (e) {
      if ((e as Error)?.name === "AbortError") throw e;
      throw new NetworkFailure(e);
    }
  };
}

/** The {@link NetworkFailure} in `error`'s cause chain, if any. */
export function findNetworkFailure(error: unknown): NetworkFailure | undefined {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof NetworkFailure) return e;
  }
  return undefined;
}
