/** Options of {@link printableText}. */
export interface PrintableTextOptions {
  /** What a space becomes: `" "` keeps it (the default), `"␣"` makes it visible. */
  readonly spaceMarker?: string;
}

/**
 * `text` as one printable line: newline → `⏎`, tab → `⇥`, other control characters → their Unicode control
 * pictures (so no text can move a terminal cursor or start an escape sequence), C1 controls, bidi overrides and
 * lone surrogates → `�`, spaces → `spaceMarker`.
 */
export function printableText(text: string, options: PrintableTextOptions = {}): string {
  const space = options.spaceMarker ?? " ";
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === " ") out += space;
    else if (ch === "\n") out += "\u23ce";
    else if (ch === "\t") out += "\u21e5";
    else if (c < 0x20) out += String.fromCodePoint(0x2400 + c);
    else if (c === 0x7f) out += "\u2421";
    else if ((c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) out += "\ufffd";
    else if (c >= 0xd800 && c <= 0xdfff) out += "\ufffd";
    else out += ch;
  }
  return out;
}
