import type { SkippedBackend } from "./backendTypes.js";

/**
 * Thrown by {@link useBackend} when no backend of the request could be initialised (`code` is stable); `skipped`
 * says why each one failed. (`@inseqjs/backend-tfjs` sits below `@inseqjs/core`, so this is its own error class.)
 */
export class BackendUnavailableError extends Error {
  readonly code = "BACKEND_UNAVAILABLE" as const;
  constructor(message: string, readonly skipped: readonly SkippedBackend[]) {
    super(message);
    this.name = "BackendUnavailableError";
  }
}
