/**
 * GPT-2 byte-level alphabet (`bytes_to_unicode`): printable Latin-1 bytes map to themselves, the other bytes to
 * U+0100 onwards, in byte order.
 */
const CHAR_TO_BYTE: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  let next = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    map.set(String.fromCharCode(printable ? b : 0x100 + next++), b);
  }
  return map;
})();

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a byte-level BPE token, or returns null when it is not one (some char outside the alphabet, bad UTF-8). */
function decodeByteLevel(token: string): string | null {
  const bytes = new Uint8Array(token.length);
  let i = 0;
  for (const ch of token) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b === undefined) return null;
    bytes[i++] = b;
  }
  let text: string;
  try {
    text = utf8.decode(bytes.subarray(0, i));
  } catch {
    return null;
  }
  // The alphabet's U+0100.. letters are also real letters (Polish ą, Czech č, Turkish ğ); read as bytes they become
  // control characters. Accept only the controls a byte-level token really carries: newline, tab, CRLF.
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text.replaceAll("\r\n", ""))) return null;
  return text;
}

/**
 * The text a tokenizer's token stands for: byte-level BPE tokens decoded (`Ġcat` → `" cat"`, `Ċ` → `"\n"`,
 * `Ã©` → `"é"`), SentencePiece's `▁` → space and its byte-fallback tokens (`<0x0A>`) → the ASCII character.
 * Special tokens (`</s>`, `<|endoftext|>`) and anything else are returned unchanged.
 */
export function readableToken(token: string): string {
  const fallback = /^<0x([0-7][0-9A-Fa-f])>$/.exec(token);
  if (fallback) return String.fromCharCode(Number.parseInt(fallback[1], 16));
  const byteLevel = decodeByteLevel(token);
  if (byteLevel !== null) return byteLevel;
  return token.replaceAll("\u2581", " ");
}
