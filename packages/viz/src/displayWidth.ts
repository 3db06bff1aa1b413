/** Whether a code point takes no terminal column (combining marks, zero-width joiners, variation selectors). */
function isZeroWidth(c: number): boolean {
  return (
    (c >= 0x0300 && c <= 0x036f) ||
    (c >= 0x1ab0 && c <= 0x1aff) ||
    (c >= 0x20d0 && c <= 0x20ff) ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0xfe00 && c <= 0xfe0f) ||
    (c >= 0xfe20 && c <= 0xfe2f) ||
    (c >= 0xe0100 && c <= 0xe01ef)
  );
}

/** Whether a code point takes two terminal columns (East Asian wide / fullwidth, emoji). */
function isWide(c: number): boolean {
  return (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0x303e) ||
    (c >= 0x3041 && c <= 0x33ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xa000 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    (c >= 0x1f300 && c <= 0x1f64f) ||
    (c >= 0x1f900 && c <= 0x1f9ff) ||
    (c >= 0x1fa70 && c <= 0x1faff) ||
    (c >= 0x20000 && c <= 0x3fffd)
  );
}

/** Columns a code point takes in a terminal. */
function charWidth(ch: string): number {
  const c = ch.codePointAt(0) ?? 0;
  return isZeroWidth(c) ? 0 : isWide(c) ? 2 : 1;
}

/** Approximate number of terminal columns `text` takes (wide CJK / emoji count 2, combining marks 0). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** `text` cut to at most `maxWidth` terminal columns, ending in `…` when it was cut. */
export function truncateToWidth(text: string, maxWidth: number): string {
  if (displayWidth(text) <= maxWidth) return text;
  let out = "";
  let width = 0;
  for (const ch of text) {
    const w = charWidth(ch);
    if (width + w > maxWidth - 1) break;
    out += ch;
    width += w;
  }
  return `${out}\u2026`;
}

/** `text` padded with spaces to `width` terminal columns, on the left (`"start"`) or the right (`"end"`). */
export function padToWidth(text: string, width: number, side: "start" | "end"): string {
  const pad = " ".repeat(Math.max(0, width - displayWidth(text)));
  return side === "start" ? pad + text : text + pad;
}
