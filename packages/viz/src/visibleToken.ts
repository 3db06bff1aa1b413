import { printableText } from "./printableText.js";
import { readableToken } from "./readableToken.js";

/** Options of {@link visibleToken}. */
export interface VisibleTokenOptions {
  /** What a space becomes: `"␣"` makes it visible (the default, for terminals), `" "` keeps it (HTML, SVG). */
  readonly spaceMarker?: string;
}

/** A token as one printable label: {@link readableToken} then {@link printableText} (`Ġcat` → `␣cat`, `Ċ` → `⏎`). */
export function visibleToken(token: string, options: VisibleTokenOptions = {}): string {
  return printableText(readableToken(token), { spaceMarker: options.spaceMarker ?? "\u2423" });
}
